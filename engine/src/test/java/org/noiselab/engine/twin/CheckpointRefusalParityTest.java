package org.noiselab.engine.twin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointFormatException;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.io.CheckpointIOTestAccess;
import org.noiselab.engine.io.Safetensors;
import org.noiselab.engine.io.Tensor;
import org.noiselab.engine.model.ClassifierSpec;
import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.model.ModelSpec;
import org.noiselab.engine.model.Models;
import org.noiselab.engine.model.UNetSpec;
import org.noiselab.engine.objective.ObjectiveSpec;
import org.noiselab.engine.optim.AdamWSpec;
import org.noiselab.engine.optim.LearningRateSchedule;
import org.noiselab.engine.schedule.ScheduleSpec;
import org.noiselab.engine.train.RunSeeds;
import org.noiselab.engine.train.TrainingConfig;
import org.noiselab.engine.train.TrainingSetup;
import org.noiselab.engine.train.TrainingState;
import org.noiselab.engine.testing.TorchTwin;

/**
 * The twin's checkpoint reader refuses exactly what the engine's refuses, for the reason the engine gives: hand-made
 * manifests with one setup field out of range, of the wrong type, of an unknown kind or missing (each re-signed, so
 * the manifest digest does not hide the field), tensors that do not fit the declared model, and valid variants both
 * must accept. Every refusal's message must be the engine's, word for word.
 *
 * <p>The static helpers (small checkpoints of each model kind, re-signed manifests, re-listed tensor files) are shared
 * with {@link CheckpointFuzzParityIT}.
 */
class CheckpointRefusalParityTest {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String MANIFEST = "manifest.json";
    static final List<String> TENSOR_FILES = List.of("weights.safetensors", "ema.safetensors", "training.safetensors");

    @TempDir
    static Path dir;
    static Map<String, Map<String, byte[]>> bases;
    static final Map<String, Case> CASES = new LinkedHashMap<>();
    static Map<String, String> twinAnswers;

    /** A file to decide: its name, what was done to which base, and the bytes. */
    record Case(String file, String kind, byte[] bytes) {
    }

    @BeforeAll
    static void writeEveryCaseAndAskTheTwin() throws Exception {
        bases = bases();
        for (String base : bases.keySet()) {
            add(base + " as saved", zip(bases.get(base)));
        }
        hostile();
        accepted();
        TorchTwin twin = new TorchTwin(dir);
        twinAnswers = askTwin(twin, CASES.values());
    }

    /** The four base checkpoints, each as its zip entries: MLP, conditional MLP, MLP classifier, small U-Net. */
    static Map<String, Map<String, byte[]>> bases() throws IOException {
        Map<String, Map<String, byte[]>> out = new LinkedHashMap<>();
        TrainingConfig config = new TrainingConfig(5, 16, new LearningRateSchedule(1e-3, 2, true, 0.1),
                AdamWSpec.DEFAULT, 0.99);
        ScheduleSpec linear = ScheduleSpec.parse("linear", 40);
        MlpSpec mlp = MlpSpec.defaults(2).withWidth(12).withDepth(2);
        out.put("mlp", checkpoint(new TrainingSetup("dino", new MlpSpec(2, 12, 2, mlp.activation(), 4, 16, 4, 1, 0),
                linear, new ObjectiveSpec.Ddpm(), config, RunSeeds.from(1)), 3));
        out.put("conditional", checkpoint(new TrainingSetup("three-class", new MlpSpec(2, 10, 2,
                mlp.activation(), 3, 8, 3, 1, 3), ScheduleSpec.parse("cosine", 30), new ObjectiveSpec.Cdl(
                ObjectiveSpec.ContrastiveSettings.DEFAULT), config, RunSeeds.from(2)), 4));
        ScheduleSpec uniform = ScheduleSpec.parse("uniform", 20);
        out.put("classifier", checkpoint(new TrainingSetup("gauss1d-two-mode", new ClassifierSpec(1, 10, 2,
                mlp.activation(), 3, 16, 22, 0), uniform, ObjectiveSpec.Cdm.DEFAULT, config, RunSeeds.from(3)), 2));
        out.put("unet", checkpoint(new TrainingSetup("mnist", new UNetSpec(1, 8, 8, 8, 2, 2), linear,
                new ObjectiveSpec.Ddpm(), config.withLabelDropout(0.2), RunSeeds.from(4)), 1));
        return out;
    }

    /** A checkpoint of freshly initialised weights after {@code step} pretend steps (no training: it is fast). */
    static Map<String, byte[]> checkpoint(TrainingSetup setup, int step) throws IOException {
        ModelSpec spec = setup.model();
        float[] p = Models.initialise(spec, 7).parameters().clone();
        float[] ema = p.clone();
        float[] m = new float[p.length];
        float[] v = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            ema[i] *= 0.5f;
            m[i] = 1e-3f * (i % 7);
            v[i] = 1e-6f * (i % 5);
        }
        float[] losses = new float[step];
        for (int i = 0; i < step; i++) {
            losses[i] = 1f / (i + 1);
        }
        Checkpoint c = new Checkpoint(setup, new TrainingState(step, p, ema, m, v, losses), "parity",
                Instant.parse("2026-01-01T00:00:00Z"), Map.of("finalLoss", 0.5));
        Path folder = Files.createTempDirectory("parity-base");
        Path file = folder.resolve("base.nlab");
        CheckpointIO.save(c, file);
        Map<String, byte[]> entries = entries(Files.readAllBytes(file));
        Files.delete(file);
        Files.delete(CheckpointIO.sidecar(file));
        Files.delete(folder);
        return entries;
    }

    static Map<String, byte[]> entries(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    static ObjectNode manifest(Map<String, byte[]> entries) {
        try {
            return (ObjectNode) JSON.readTree(entries.get(MANIFEST));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The manifest's JSON with a fresh digest (so the fields behind it are what a reader checks). */
    static byte[] signed(ObjectNode manifest) {
        manifest.remove("manifestSha256");
        manifest.put("manifestSha256", CheckpointIOTestAccess.digest(manifest));
        try {
            return JSON.writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A base with its manifest edited and signed again. */
    static byte[] edited(Map<String, byte[]> base, Consumer<ObjectNode> edit) {
        ObjectNode m = manifest(base);
        edit.accept(m);
        Map<String, byte[]> e = new LinkedHashMap<>(base);
        e.put(MANIFEST, signed(m));
        return zip(e);
    }

    /** The tensors of a base's three files, by file, in order. */
    static Map<String, Map<String, Tensor>> tensors(Map<String, byte[]> base) {
        Map<String, Map<String, Tensor>> out = new LinkedHashMap<>();
        for (String f : TENSOR_FILES) {
            out.put(f, new LinkedHashMap<>(Safetensors.read(base.get(f), f).tensors()));
        }
        return out;
    }

    /**
     * A base whose tensor files were changed by {@code edit}, written again with a manifest listing exactly what they
     * now hold (names, shapes, digests), then the manifest {@code after} edited, and signed: only the model's needs
     * can refuse it.
     */
    static byte[] retensored(Map<String, byte[]> base, Consumer<Map<String, Map<String, Tensor>>> edit,
                             Consumer<ObjectNode> after) {
        Map<String, Map<String, Tensor>> files = tensors(base);
        edit.accept(files);
        ObjectNode m = manifest(base);
        ArrayNode list = m.putArray("tensors");
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put(MANIFEST, null);
        for (Map.Entry<String, Map<String, Tensor>> f : files.entrySet()) {
            for (Map.Entry<String, Tensor> t : f.getValue().entrySet()) {
                ObjectNode o = list.addObject();
                o.put("file", f.getKey());
                o.put("name", t.getKey());
                o.put("dtype", "F32");
                ArrayNode shape = o.putArray("shape");
                for (long s : t.getValue().shape()) {
                    shape.add(s);
                }
                o.put("sha256", CheckpointIO.parametersSha256(t.getValue().data()));
            }
            e.put(f.getKey(), Safetensors.write(f.getValue(), Map.of("format", "pt")));
        }
        after.accept(m);
        e.put(MANIFEST, signed(m));
        return zip(e);
    }

    static byte[] zip(Map<String, byte[]> entries) {
        return zipList(new ArrayList<>(entries.entrySet()));
    }

    static byte[] zipList(List<Map.Entry<String, byte[]>> list) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                for (Map.Entry<String, byte[]> e : list) {
                    try {
                        ZipEntry z = new ZipEntry(e.getKey());
                        z.setTime(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
                        zip.putNextEntry(z);
                    } catch (java.util.zip.ZipException duplicate) {
                        continue;
                    }
                    zip.write(e.getValue());
                    zip.closeEntry();
                }
            }
            return bytes.toByteArray();
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The object at a dotted path of a manifest ({@code "training.optimizer"}). */
    static ObjectNode at(ObjectNode m, String path) {
        ObjectNode o = m;
        for (String p : path.isEmpty() ? new String[0] : path.split("\\.")) {
            o = (ObjectNode) o.get(p);
        }
        return o;
    }

    /** What the engine decides about a file: "accepted", or its refusal's message, or what escaped. */
    static String engine(Path file) {
        try {
            CheckpointIO.load(file);
            return "accepted";
        } catch (CheckpointFormatException e) {
            return "refused: " + e.getMessage();
        } catch (Exception | Error e) {
            return "ESCAPED " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /** Writes the cases and asks the twin (one process) about all of them; file name to "accepted" or "refused: ...". */
    static Map<String, String> askTwin(TorchTwin twin, java.util.Collection<Case> cases) throws Exception {
        List<String> files = new ArrayList<>();
        for (Case c : cases) {
            Files.write(twin.directory().resolve(c.file()), c.bytes());
            files.add(c.file());
        }
        twin.add("refusals", "files.refuse", Map.of("files", files, "report", "refusals.json"));
        twin.run();
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode r : JSON.readTree(twin.directory().resolve("refusals.json").toFile())) {
            JsonNode refused = r.get("refused");
            out.put(r.get("file").asText(), refused.isNull() ? r.get("message").asText()
                    : refused.asBoolean() ? "refused: " + r.get("message").asText() : "accepted");
        }
        return out;
    }

    private static void add(String kind, byte[] bytes) {
        String file = String.format("case%03d.nlab", CASES.size());
        CASES.put(kind, new Case(file, kind, bytes));
    }

    private static void field(String base, String kind, String path, String name, Object value) {
        add(base + ": " + path + "." + name + " " + kind, edited(bases.get(base), m -> put(at(m, path), name, value)));
    }

    /** Sets a field to a Java value (null removes it; a JsonNode goes in as it is). */
    static void put(ObjectNode o, String name, Object value) {
        if (value == null) {
            o.remove(name);
        } else if (value instanceof JsonNode n) {
            o.set(name, n);
        } else if (value instanceof Integer i) {
            o.put(name, i);
        } else if (value instanceof Long l) {
            o.put(name, l);
        } else if (value instanceof Double d) {
            o.put(name, d);
        } else if (value instanceof Boolean b) {
            o.put(name, b);
        } else if (value instanceof java.math.BigInteger b) {
            o.put(name, b);
        } else {
            o.put(name, value.toString());
        }
    }

    private static void hostile() {
        field("mlp", "out of range", "model", "width", 0);
        field("mlp", "of the wrong type", "model", "width", "wide");
        field("mlp", "not integral", "model", "width", 12.0);
        field("mlp", "out of range", "model", "depth", 33);
        field("mlp", "missing", "model", "dim", null);
        field("mlp", "unknown", "model", "kind", "transformer");
        field("mlp", "unknown", "model", "activation", "swish");
        field("mlp", "not positive", "model", "inputScale", 0.0);
        field("mlp", "out of range", "model", "noiseFrequencies", 0);
        field("mlp", "negative", "model", "classCount", -1);
        field("mlp", "off by one", "model", "parameterCount", 1);
        field("mlp", "beyond an int", "model", "parameterCount", 3_000_000_000L);
        field("mlp", "unknown", "schedule", "kind", "sigmoid");
        field("mlp", "zero", "schedule", "steps", 0);
        field("mlp", "above betaEnd", "schedule", "betaStart", 0.5);
        field("mlp", "missing", "schedule", "betaEnd", null);
        field("mlp", "unknown", "objective", "kind", "score");
        field("mlp", "cdm on a denoiser", "objective", "kind", "cdm");
        field("mlp", "below the step", "training", "steps", 2);
        field("mlp", "negative", "training", "batchSize", -5);
        field("mlp", "too high", "training.learningRate", "peak", 10.0);
        field("mlp", "not a boolean", "training.learningRate", "cosine", "yes");
        field("mlp", "unknown", "training.optimizer", "kind", "sgd");
        field("mlp", "one", "training.optimizer", "beta2", 1.0);
        field("mlp", "negative", "training.optimizer", "clipNorm", -1.0);
        field("mlp", "one", "training", "emaDecay", 1.0);
        field("mlp", "above one", "training", "labelDropout", 1.5);
        field("mlp", "beyond a long", "seeds", "data", new java.math.BigInteger("9223372036854775808"));
        field("mlp", "a string", "seeds", "train", "7");
        field("mlp", "a number", "dataset", "name", 7);
        field("mlp", "out of range", "", "kernelThreads", 257);
        field("mlp", "a boolean", "", "kernelThreads", true);
        field("mlp", "not an instant", "", "createdAt", "yesterday");
        field("mlp", "not a number", "metrics", "finalLoss", "low");
        field("mlp", "not an object", "", "initialisedFrom", 5);
        field("mlp", "not a digest", "", "initialisedFrom", JSON.createObjectNode().put("source", "a.nlab")
                .put("step", 3).put("parametersSha256", "xyz"));
        field("mlp", "negative step", "", "initialisedFrom", JSON.createObjectNode().put("source", "a.nlab")
                .put("step", -1).put("parametersSha256", "0".repeat(64)));
        field("conditional", "negative", "objective", "cdlSamples", 0);
        field("conditional", "missing", "objective", "cdlPoints", null);
        field("classifier", "not T + 2", "model", "levels", 21);
        field("classifier", "relu", "model", "activation", "relu");
        field("classifier", "a denoiser's", "objective", "kind", "ddpm");
        add("classifier: objective.ceWeight and mseWeight both zero", edited(bases.get("classifier"),
                m -> at(m, "objective").put("ceWeight", 0.0).put("mseWeight", 0.0)));
        field("unet", "not a multiple of 8", "model", "baseChannels", 12);
        field("unet", "cannot be halved", "model", "height", 9);
        field("unet", "too many", "model", "classCount", 1001);
        // a number beyond the double range: signed as the string Jackson writes for it, then written as a number
        add("mlp: model.inputScale beyond the double range", infinite(bases.get("mlp")));
        add("mlp: layers.0.weight renamed", retensored(bases.get("mlp"), f -> rename(f.get("weights.safetensors"),
                "layers.0.weight", "layers.0.w"), m -> { }));
        add("mlp: layers.0.weight transposed", retensored(bases.get("mlp"), f -> {
            Tensor t = f.get("ema.safetensors").get("layers.0.weight");
            f.get("ema.safetensors").put("layers.0.weight", new Tensor(new long[] {t.shape()[1], t.shape()[0]},
                    t.data()));
        }, m -> { }));
        add("unet: conv_in.weight flattened", retensored(bases.get("unet"), f -> {
            Tensor t = f.get("weights.safetensors").get("conv_in.weight");
            f.get("weights.safetensors").put("conv_in.weight", Tensor.vector(t.data()));
        }, m -> { }));
        add("classifier: a wider model declared", retensored(bases.get("classifier"), f -> { }, m -> {
            at(m, "model").put("width", 11);
            at(m, "model").put("parameterCount", new ClassifierSpec(1, 11, 2, MlpSpec.defaults(1).activation(), 3,
                    16, 22, 0).parameterCount());
        }));
        add("mlp: adam.v too short", retensored(bases.get("mlp"), f -> f.get("training.safetensors").put("adam.v",
                Tensor.vector(new float[3])), m -> { }));
    }

    /** {@code model.inputScale} written as 1e400, which Jackson reads as an infinity (and digests as "Infinity"). */
    private static byte[] infinite(Map<String, byte[]> base) {
        ObjectNode m = manifest(base);
        at(m, "model").put("inputScale", "Infinity");
        String text = new String(signed(m), StandardCharsets.UTF_8).replace("\"inputScale\" : \"Infinity\"",
                "\"inputScale\" : 1e400");
        Map<String, byte[]> e = new LinkedHashMap<>(base);
        e.put(MANIFEST, text.getBytes(StandardCharsets.UTF_8));
        return zip(e);
    }

    static void rename(Map<String, Tensor> file, String from, String to) {
        Map<String, Tensor> copy = new LinkedHashMap<>();
        file.forEach((k, v) -> copy.put(k.equals(from) ? to : k, v));
        file.clear();
        file.putAll(copy);
    }

    private static void accepted() {
        add("mlp: an unknown field beside the model's", edited(bases.get("mlp"), m -> at(m, "model")
                .put("comment", "ignored")));
        add("mlp: labelDropout left out (the default)", edited(bases.get("mlp"), m -> at(m, "training")
                .remove("labelDropout")));
        add("mlp: kernelThreads null (unknown)", edited(bases.get("mlp"), m -> m.putNull("kernelThreads")));
        add("mlp: lossHistorySha256 null (not checked)", edited(bases.get("mlp"), m -> m.putNull("lossHistorySha256")));
        add("mlp: activation in mixed case", edited(bases.get("mlp"), m -> at(m, "model").put("activation", "SiLu")));
        add("mlp: createdAt with an offset and an empty fraction", edited(bases.get("mlp"), m -> m.put("createdAt",
                "2026-01-01t01:00:00.+01:00")));
        add("mlp: a dataset the engine does not know", edited(bases.get("mlp"), m -> at(m, "dataset")
                .put("name", "no-such-dataset")));
        add("conditional: initialised from another run", edited(bases.get("conditional"), m -> m.putObject(
                "initialisedFrom").put("source", "other.nlab").put("step", 9).put("parametersSha256", "a".repeat(64))));
        add("classifier: a tensor the model does not use", retensored(bases.get("classifier"), f -> f.get(
                "weights.safetensors").put("extra", Tensor.vector(new float[] {1, 2})), m -> { }));
    }

    @Test
    void bothRefuseEveryHostileManifestForTheSameReason() throws IOException {
        List<String> differences = new ArrayList<>();
        int refused = 0;
        for (Case c : CASES.values()) {
            String engine = engine(dir.resolve(c.file()));
            String twin = twinAnswers.get(c.file());
            if (!engine.equals(twin)) {
                differences.add(c.kind() + "\n    engine: " + engine + "\n    twin:   " + twin);
            }
            refused += engine.startsWith("refused") ? 1 : 0;
        }
        System.out.println("CheckpointRefusalParityTest: " + CASES.size() + " files, " + refused
                + " refused by both, " + (CASES.size() - refused - differences.size()) + " accepted by both");
        assertThat(differences).as("cases where the twin and the engine differ").isEmpty();
    }

    @Test
    void theValidOnesAreAcceptedAndTheHostileOnesRefused() {
        for (Case c : CASES.values()) {
            boolean shouldLoad = c.kind().endsWith("as saved") || !c.kind().contains(": ") || ACCEPTED_KINDS.stream()
                    .anyMatch(c.kind()::contains);
            assertThat(engine(dir.resolve(c.file())).equals("accepted")).as(c.kind()).isEqualTo(shouldLoad);
        }
    }

    private static final List<String> ACCEPTED_KINDS = List.of("an unknown field", "labelDropout left out",
            "kernelThreads null", "lossHistorySha256 null", "mixed case", "an empty fraction", "does not know",
            "initialised from", "does not use");
}
