package org.noiselab.engine.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.noiselab.engine.EngineVersion;
import org.noiselab.engine.train.TrainingSetup;
import org.noiselab.engine.train.TrainingState;

/**
 * Reads and writes checkpoints: one zip file holding {@code manifest.json} and three safetensors files
 * ({@code weights}: the trained parameters, {@code ema}: their moving average, {@code training}: AdamW moments and the
 * loss history). The manifest records the full setup, provenance, and every tensor's file, shape and SHA-256.
 *
 * <p>Saving is atomic: the zip is written to a temporary file in the target directory, forced to disk, renamed over
 * the target and the directory forced, so a crash leaves either the old file or the new one; the same manifest is
 * also written beside the checkpoint as {@code NAME.manifest.json} (the run's provenance, enough to replay it).
 *
 * <p>Loading never executes anything and bounds every allocation: {@code manifest.json} must be the first entry (at
 * most 1 MiB); from its declared architecture and step the exact size of each tensor file is known, and no entry may
 * decompress to more than that plus 1 MiB of header (so a zip bomb stops there, and no entry ever exceeds
 * {@link #MAX_ENTRY_BYTES}); entry names are a fixed set (no paths); every manifest field is checked; every tensor's
 * dtype, shape and SHA-256 must match before any parameter vector is allocated.
 */
public final class CheckpointIO {

    /** The manifest's format identifier. */
    public static final String FORMAT = "noiselab-checkpoint";
    /** The current format version. */
    public static final int FORMAT_VERSION = 1;
    /** Largest decompressed entry accepted, whatever the manifest declares. */
    public static final long MAX_ENTRY_BYTES = 256L << 20;
    /** Room for a safetensors header beyond the declared tensor bytes. */
    static final long HEADER_SLACK = 1L << 20;
    /** The manifest field holding the SHA-256 of the rest of the manifest, in compact canonical JSON. */
    static final String MANIFEST_DIGEST = "manifestSha256";
    /** Suffix of the manifest written beside each checkpoint. */
    public static final String MANIFEST_SUFFIX = ".manifest.json";
    /** Largest manifest accepted. */
    public static final long MAX_MANIFEST_BYTES = 1L << 20;

    /** The largest checkpoint file read: its four entries at their largest, compressed or not. */
    public static final long MAX_CHECKPOINT_BYTES = 4 * MAX_ENTRY_BYTES + MAX_MANIFEST_BYTES + (1L << 20);

    static final String MANIFEST = "manifest.json";
    static final String WEIGHTS = "weights.safetensors";
    static final String EMA = "ema.safetensors";
    static final String TRAINING = "training.safetensors";
    private static final java.util.List<String> ENTRIES = java.util.List.of(MANIFEST, WEIGHTS, EMA, TRAINING);

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final ObjectMapper COMPACT = new ObjectMapper();

    private CheckpointIO() {
    }

    /** Writes a checkpoint atomically. */
    public static void save(Checkpoint checkpoint, Path file) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", FORMAT);
        manifest.put("formatVersion", FORMAT_VERSION);
        manifest.put("engineVersion", checkpoint.engineVersion());
        manifest.put("createdAt", checkpoint.createdAt().toString());
        ManifestCodec.writeSetup(checkpoint.setup(), manifest);
        manifest.put("step", checkpoint.state().step());
        manifest.put("lossHistorySha256", sha256(Tensor.vector(checkpoint.state().lossHistory())));
        manifest.put("kernelThreads", org.noiselab.engine.kernel.Parallelism.threads());
        ObjectNode metrics = manifest.putObject("metrics");
        checkpoint.metrics().forEach(metrics::put);
        ArrayNode tensorList = manifest.putArray("tensors");

        TrainingState state = checkpoint.state();
        addFile(files, tensorList, WEIGHTS, ModelTensors.toTensors(checkpoint.setup().model(), state.parameters(), ""));
        addFile(files, tensorList, EMA, ModelTensors.toTensors(checkpoint.setup().model(), state.emaParameters(), ""));
        Map<String, Tensor> training = new LinkedHashMap<>();
        training.put("adam.m", Tensor.vector(state.firstMoment()));
        training.put("adam.v", Tensor.vector(state.secondMoment()));
        training.put("loss_history", Tensor.vector(state.lossHistory()));
        addFile(files, tensorList, TRAINING, training);

        manifest.put(MANIFEST_DIGEST, manifestDigest(manifest));
        Map<String, byte[]> ordered = new LinkedHashMap<>();
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        ordered.put(MANIFEST, manifestBytes);
        ordered.putAll(files);
        AtomicFiles.write(file, out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                long stamped = checkpoint.createdAt().toEpochMilli();
                for (Map.Entry<String, byte[]> e : ordered.entrySet()) {
                    // entries carry the checkpoint's own time, so the same checkpoint is the same bytes
                    ZipEntry entry = new ZipEntry(e.getKey());
                    entry.setTime(stamped);
                    zip.putNextEntry(entry);
                    zip.write(e.getValue());
                    zip.closeEntry();
                }
            }
        });
        AtomicFiles.write(sidecar(file), out -> out.write(manifestBytes));
    }

    /**
     * What a manifest records about a run, read from a checkpoint's sidecar {@code .manifest.json}: enough to retrain
     * the same model.
     *
     * @param setup             the full setup
     * @param step              steps trained
     * @param lossHistorySha256 SHA-256 of the little-endian float32 loss of every step
     * @param kernelThreads     kernel threads the run used (the summation order of its gradients), or 0 if unknown
     */
    public record RunManifest(TrainingSetup setup, int step, String lossHistorySha256, int kernelThreads) {
    }

    /** Reads and validates a manifest JSON file (a checkpoint's sidecar). */
    public static RunManifest readManifest(Path file) throws IOException {
        String source = file.getFileName().toString();
        byte[] bytes;
        try {
            bytes = BoundedRead.readAll(file, MAX_MANIFEST_BYTES);
        } catch (FileFormatException e) {
            throw new CheckpointFormatException(e.getMessage());
        }
        JsonFields root = manifestFields(bytes, source);
        TrainingSetup setup = ManifestCodec.readSetup(root);
        return new RunManifest(setup, root.integer("step"), root.text("lossHistorySha256"), kernelThreads(root));
    }

    /** SHA-256 of a loss history, as recorded in manifests. */
    public static String lossHistorySha256(float[] losses) {
        return sha256(Tensor.vector(losses));
    }

    /** SHA-256 of a weight vector (little-endian float32), as fine-tuning runs record their starting weights. */
    public static String parametersSha256(float[] parameters) {
        return sha256(Tensor.vector(parameters));
    }

    /** The manifest's kernel threads, 0 when not recorded; a value no run can have used is refused. */
    private static int kernelThreads(JsonFields root) {
        int threads = root.has("kernelThreads") ? root.integer("kernelThreads") : 0;
        if (threads < 0 || threads > org.noiselab.engine.kernel.Parallelism.MAX_THREADS) {
            throw root.fail("kernelThreads", "is " + threads + ", outside 0.."
                    + org.noiselab.engine.kernel.Parallelism.MAX_THREADS);
        }
        return threads;
    }

    /** The kernel threads recorded in a checkpoint file's manifest, or 0 when not recorded. */
    public static int kernelThreads(Path checkpoint) throws IOException {
        Path side = sidecar(checkpoint);
        if (Files.exists(side)) {
            return readManifest(side).kernelThreads();
        }
        return 0;
    }

    /** The manifest written beside a checkpoint: {@code NAME.manifest.json}. */
    public static Path sidecar(Path checkpoint) {
        String name = checkpoint.getFileName().toString();
        String stem = name.endsWith(".nlab") ? name.substring(0, name.length() - 5) : name;
        return checkpoint.toAbsolutePath().resolveSibling(stem + MANIFEST_SUFFIX);
    }

    /** A checkpoint of a finished or running session, stamped now with this engine's version. */
    public static Checkpoint of(TrainingSetup setup, TrainingState state, Map<String, Double> metrics) {
        return new Checkpoint(setup, state, EngineVersion.get(), Instant.now(), metrics);
    }

    private static void addFile(Map<String, byte[]> files, ArrayNode list, String name, Map<String, Tensor> tensors) {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode t = list.addObject();
            t.put("file", name);
            t.put("name", e.getKey());
            t.put("dtype", "F32");
            ArrayNode shape = t.putArray("shape");
            for (long s : e.getValue().shape()) {
                shape.add(s);
            }
            t.put("sha256", sha256(e.getValue()));
        }
        files.put(name, Safetensors.write(tensors, Map.of("format", "pt")));
    }

    /**
     * Reads and validates a checkpoint.
     *
     * @throws CheckpointFormatException if the file is not a valid checkpoint (the message says why)
     * @throws NoSuchFileException       if there is no such file
     * @throws IOException               on other I/O failures
     */
    public static Checkpoint load(Path file) throws IOException {
        String source = file.getFileName().toString();
        Map<String, byte[]> entries;
        try (InputStream in = BoundedRead.open(file, MAX_CHECKPOINT_BYTES)) {
            entries = readEntries(in, source);
        } catch (FileFormatException e) {
            throw e instanceof CheckpointFormatException c ? c : new CheckpointFormatException(e.getMessage());
        }
        return decode(entries, source);
    }

    /** Reads and validates a checkpoint from a stream (a resource, say). */
    public static Checkpoint load(InputStream in, String source) throws IOException {
        return decode(readEntries(in, source), source);
    }

    private static Map<String, byte[]> readEntries(InputStream in, String source) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        Map<String, Long> limits = null;
        try (ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                String name = e.getName();
                if (!ENTRIES.contains(name)) {
                    throw new CheckpointFormatException(source + ": unexpected entry '" + printable(name)
                            + "' (a checkpoint holds only " + ENTRIES + ")");
                }
                if (entries.containsKey(name)) {
                    throw new CheckpointFormatException(source + ": entry '" + name + "' appears twice");
                }
                if (entries.isEmpty() && !MANIFEST.equals(name)) {
                    throw new CheckpointFormatException(source + ": the first entry must be " + MANIFEST + ", found '"
                            + name + "'");
                }
                long limit = MANIFEST.equals(name) ? MAX_MANIFEST_BYTES : limits.get(name);
                entries.put(name, readBounded(zip, limit, source + "/" + name));
                if (MANIFEST.equals(name)) {
                    limits = entryLimits(entries.get(MANIFEST), source);
                }
            }
        } catch (ZipException e) {
            throw new CheckpointFormatException(source + ": not a readable zip file (" + e.getMessage() + ")", e);
        } catch (java.io.EOFException e) {
            throw new CheckpointFormatException(source + ": the file is truncated", e);
        } catch (IllegalArgumentException e) {
            // java.util.zip reports an entry name that is not valid UTF-8 this way
            throw new CheckpointFormatException(source + ": not a readable zip file (an entry name is not valid UTF-8)",
                    e);
        }
        if (entries.isEmpty()) {
            throw new CheckpointFormatException(source + ": not a checkpoint (no zip entries found)");
        }
        for (String required : ENTRIES) {
            if (!entries.containsKey(required)) {
                throw new CheckpointFormatException(source + ": missing entry '" + required + "'");
            }
        }
        return entries;
    }

    /** The most bytes each tensor file may hold, from the manifest's declared architecture and step. */
    private static Map<String, Long> entryLimits(byte[] manifest, String source) {
        JsonFields root = manifestFields(manifest, source);
        long params = ManifestCodec.readSetup(root).model().parameterCount();
        long step = Math.max(0, root.integer("step"));
        long weights = Math.min(MAX_ENTRY_BYTES, 4 * params + HEADER_SLACK);
        long training = Math.min(MAX_ENTRY_BYTES, 4 * (2 * params + step) + HEADER_SLACK);
        return Map.of(WEIGHTS, weights, EMA, weights, TRAINING, training);
    }

    private static JsonFields manifestFields(byte[] manifest, String source) {
        String where = source + "/" + MANIFEST;
        JsonNode tree;
        try {
            tree = JSON.readTree(manifest);
        } catch (IOException e) {
            throw new CheckpointFormatException(where + ": not valid JSON (" + e.getMessage().lines().findFirst()
                    .orElse("") + ")");
        }
        JsonFields root = new JsonFields(tree, "", where);
        if (!FORMAT.equals(root.text("format"))) {
            throw root.fail("format", "is not '" + FORMAT + "'");
        }
        int version = root.integer("formatVersion");
        if (version != FORMAT_VERSION) {
            throw root.fail("formatVersion", "is " + version + "; this engine reads version " + FORMAT_VERSION);
        }
        String digest = root.text(MANIFEST_DIGEST);
        if (!digest.equals(manifestDigest((ObjectNode) tree))) {
            throw root.fail(MANIFEST_DIGEST, "does not match the manifest (it was edited or corrupted)");
        }
        return root;
    }

    /** SHA-256 of the manifest without its digest field, as compact JSON (whitespace does not matter). */
    static String manifestDigest(ObjectNode manifest) {
        ObjectNode copy = manifest.deepCopy();
        copy.remove(MANIFEST_DIGEST);
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(COMPACT.writeValueAsBytes(copy));
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readBounded(InputStream in, long limit, String where) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int r;
        while ((r = in.read(buf)) > 0) {
            total += r;
            if (total > limit) {
                throw new CheckpointFormatException(where + " decompresses to more than " + limit
                        + " bytes; refusing it");
            }
            out.write(buf, 0, r);
        }
        return out.toByteArray();
    }

    private static Checkpoint decode(Map<String, byte[]> entries, String source) {
        String where = source + "/" + MANIFEST;
        JsonFields root = manifestFields(entries.get(MANIFEST), source);
        JsonNode tree = root.node();
        TrainingSetup setup = ManifestCodec.readSetup(root);
        int step = root.integer("step");
        if (step < 0 || step > setup.config().steps()) {
            throw root.fail("step", "is " + step + ", outside 0.." + setup.config().steps());
        }
        kernelThreads(root);
        Instant createdAt;
        try {
            createdAt = Instant.parse(root.text("createdAt"));
        } catch (DateTimeParseException e) {
            throw root.fail("createdAt", "is not an ISO-8601 instant");
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        JsonFields m = root.object("metrics");
        tree.get("metrics").fieldNames().forEachRemaining(k -> metrics.put(k, m.number(k)));

        Map<String, Map<String, Tensor>> files = new LinkedHashMap<>();
        for (String name : java.util.List.of(WEIGHTS, EMA, TRAINING)) {
            files.put(name, Safetensors.read(entries.get(name), source + "/" + name).tensors());
        }
        verifyChecksums(root.raw("tensors"), files, where);
        FiniteTensors.requireUsableWeights(files.get(WEIGHTS), source + "/" + WEIGHTS);
        FiniteTensors.requireUsableWeights(files.get(EMA), source + "/" + EMA);
        float[] params = ModelTensors.fromTensors(setup.model(), files.get(WEIGHTS), "", source + "/" + WEIGHTS);
        float[] ema = ModelTensors.fromTensors(setup.model(), files.get(EMA), "", source + "/" + EMA);
        Map<String, Tensor> training = files.get(TRAINING);
        float[] m1 = vector(training, "adam.m", params.length, source + "/" + TRAINING);
        float[] m2 = vector(training, "adam.v", params.length, source + "/" + TRAINING);
        FiniteTensors.requireFinite("adam.m", m1, source + "/" + TRAINING);
        FiniteTensors.requireFinite("adam.v", m2, source + "/" + TRAINING);
        float[] losses = vector(training, "loss_history", step, source + "/" + TRAINING);
        if (root.has("lossHistorySha256") && !sha256(Tensor.vector(losses)).equals(root.text("lossHistorySha256"))) {
            throw root.fail("lossHistorySha256", "does not match the stored loss history");
        }
        return new Checkpoint(setup, new TrainingState(step, params, ema, m1, m2, losses), root.text("engineVersion"),
                createdAt, metrics);
    }

    private static void verifyChecksums(JsonNode list, Map<String, Map<String, Tensor>> files, String where) {
        if (!list.isArray()) {
            throw new CheckpointFormatException(where + ": tensors must be an array");
        }
        int expected = files.values().stream().mapToInt(Map::size).sum();
        if (list.size() != expected) {
            throw new CheckpointFormatException(where + ": lists " + list.size() + " tensors, the files hold "
                    + expected);
        }
        for (int i = 0; i < list.size(); i++) {
            JsonFields t = new JsonFields(list.get(i), "tensors[" + i + "]", where);
            Map<String, Tensor> file = files.get(t.text("file"));
            if (file == null) {
                throw t.fail("file", "names an unknown file");
            }
            Tensor tensor = file.get(t.text("name"));
            if (tensor == null) {
                throw t.fail("name", "'" + t.text("name") + "' is not in " + t.text("file"));
            }
            if (!"F32".equals(t.text("dtype"))) {
                throw t.fail("dtype", "is '" + printable(t.text("dtype")) + "'; tensors are stored as F32");
            }
            long[] listed = listedShape(t);
            if (!java.util.Arrays.equals(listed, tensor.shape())) {
                throw t.fail("shape", "is " + java.util.Arrays.toString(listed) + " but tensor '" + t.text("name")
                        + "' in " + t.text("file") + " has shape " + java.util.Arrays.toString(tensor.shape()));
            }
            if (!sha256(tensor).equals(t.text("sha256"))) {
                throw new CheckpointFormatException(where + ": checksum mismatch for tensor '" + t.text("name")
                        + "' in " + t.text("file") + " (the file is corrupt or was modified)");
            }
        }
    }

    /** A listed tensor's shape: at most 8 non-negative 64-bit dimensions. */
    private static long[] listedShape(JsonFields t) {
        JsonNode shape = t.raw("shape");
        if (!shape.isArray() || shape.size() > 8) {
            throw t.fail("shape", "must be an array of at most 8 dimensions");
        }
        long[] dims = new long[shape.size()];
        for (int d = 0; d < dims.length; d++) {
            JsonNode v = shape.get(d);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                throw t.fail("shape", "must hold non-negative integers");
            }
            dims[d] = v.asLong();
        }
        return dims;
    }

    private static float[] vector(Map<String, Tensor> tensors, String name, int length, String source) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new CheckpointFormatException(source + ": tensor '" + name + "' is missing");
        }
        if (t.shape().length != 1 || t.shape()[0] != length) {
            throw new CheckpointFormatException(source + ": tensor '" + name + "' has shape "
                    + java.util.Arrays.toString(t.shape()) + ", expected [" + length + "]");
        }
        return t.data();
    }

    /** SHA-256 of a tensor's little-endian float32 bytes, hex-encoded. */
    static String sha256(Tensor t) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 * t.data().length)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(t.data());
            md.update(buf.array());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** A name as it can be shown: at most 80 characters, only printable ASCII. */
    static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
