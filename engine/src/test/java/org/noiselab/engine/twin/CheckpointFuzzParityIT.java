package org.noiselab.engine.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.noiselab.engine.twin.CheckpointRefusalParityTest.JSON;
import static org.noiselab.engine.twin.CheckpointRefusalParityTest.MANIFEST;
import static org.noiselab.engine.twin.CheckpointRefusalParityTest.TENSOR_FILES;
import static org.noiselab.engine.twin.CheckpointRefusalParityTest.edited;
import static org.noiselab.engine.twin.CheckpointRefusalParityTest.manifest;
import static org.noiselab.engine.twin.CheckpointRefusalParityTest.put;
import static org.noiselab.engine.twin.CheckpointRefusalParityTest.rename;
import static org.noiselab.engine.twin.CheckpointRefusalParityTest.retensored;
import static org.noiselab.engine.twin.CheckpointRefusalParityTest.zip;
import static org.noiselab.engine.twin.CheckpointRefusalParityTest.zipList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.io.Tensor;
import org.noiselab.engine.testing.TorchTwin;

/**
 * The twin's checkpoint reader and the engine's decide the same about 1500 mutated checkpoints (of an MLP, a
 * conditional MLP, an MLP noise classifier and a small U-Net): every one either both accept or both refuse, and
 * neither throws anything but its format error. The mutations are those of {@code CheckpointFuzzIT} (truncations, bit
 * flips, edited and type-confused manifest text, edited safetensors headers, wrong checksums, zip bombs, hostile
 * entry names, garbage, reordered entries) plus mutations that get past the digests, so the setup and the tensors are
 * what is judged: a setup field set to a hostile value, removed or added, a kind swapped, a tensor renamed, reshaped,
 * dropped, added or poisoned, each with the manifest's listing and digest made right again. A disagreement prints the
 * mutation and both readers' messages.
 */
class CheckpointFuzzParityIT {

    static final int CASES = 1500;

    @TempDir
    static Path dir;

    private static Map<String, Map<String, byte[]>> bases;
    private static final Map<String, byte[]> BOMBS = new LinkedHashMap<>();

    private static final Object[] VALUES = {-1, 0, 1, 2, 3, 4, 8, 12, 22, 42, 257, 4096, 4097, Integer.MAX_VALUE,
        2_147_483_648L, new BigInteger("18446744073709551616"), 1e308, 0.5, 1.0, 3.5, -0.0, 1e-9, 10.0, "wide", "",
        "relu", "silu", "tanh", "cdm", "linear", JSON.nullNode(), JSON.createArrayNode(), JSON.createObjectNode(), true,
        false};
    private static final String[] NAMES = {"mlp", "classifier-mlp", "unet", "classifier-unet", "MLP", "ddpm", "itd",
        "cdl", "ddpm+cdl", "cdm", "linear", "cosine", "uniform", "adamw", "AdamW", "relu", "silu", "GELU", "Tanh",
        "sílu", "swish", ""};

    @Test
    void theTwinRefusesExactlyWhatTheEngineRefuses() throws Exception {
        bases = CheckpointRefusalParityTest.bases();
        Map<String, byte[]> mlp = bases.get("mlp");
        for (String name : List.of(MANIFEST, "weights.safetensors", "training.safetensors")) {
            BOMBS.put(name, bomb(mlp, name));
        }
        SplittableRandom rng = new SplittableRandom(20261201);
        List<CheckpointRefusalParityTest.Case> cases = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            String base = i % 20 == 19 ? "unet" : List.of("mlp", "conditional", "classifier").get(i % 3);
            String[] kind = new String[1];
            byte[] bytes = mutate(rng, i, base, kind);
            cases.add(new CheckpointRefusalParityTest.Case(String.format("m%04d.nlab", i), base + ": " + kind[0],
                    bytes));
        }
        TorchTwin twin = new TorchTwin(dir);
        long start = System.nanoTime();
        Map<String, String> twinAnswers = CheckpointRefusalParityTest.askTwin(twin, cases);
        long twinMillis = (System.nanoTime() - start) / 1_000_000;

        Map<String, int[]> outcomes = new java.util.TreeMap<>();
        List<String> disagreements = new ArrayList<>();
        int acceptedByBoth = 0;
        int refusedByBoth = 0;
        int sameMessage = 0;
        for (CheckpointRefusalParityTest.Case c : cases) {
            String engine = CheckpointRefusalParityTest.engine(dir.resolve(c.file()));
            String twinSays = twinAnswers.get(c.file());
            String e = category(engine);
            String t = category(twinSays);
            boolean agree = e.equals(t) && !e.equals("escaped");
            outcomes.computeIfAbsent(c.kind().replaceAll(" \\[.*", "") + " -> " + (agree ? e : "DISAGREE"),
                    k -> new int[1])[0]++;
            if (!agree) {
                disagreements.add(c.file() + " " + c.kind() + "\n    engine: " + engine + "\n    twin:   " + twinSays);
            } else if (e.equals("accepted")) {
                acceptedByBoth++;
            } else {
                refusedByBoth++;
                sameMessage += engine.equals(twinSays) ? 1 : 0;
            }
        }
        outcomes.forEach((k, v) -> System.out.printf("%6d  %s%n", v[0], k));
        System.out.printf("CheckpointFuzzParityIT: %d files: %d accepted by both, %d refused by both (%d with the "
                + "engine's message word for word), %d disagreements; the twin took %d ms%n", cases.size(),
                acceptedByBoth, refusedByBoth, sameMessage, disagreements.size(), twinMillis);
        disagreements.stream().limit(30).forEach(System.out::println);
        assertThat(disagreements).as("files the twin and the engine decide differently").isEmpty();
        assertThat(acceptedByBoth).as("valid variants exercised").isGreaterThan(CASES / 20);
        assertThat(refusedByBoth).isGreaterThan(CASES / 2);
    }

    private static String category(String outcome) {
        return outcome.equals("accepted") ? "accepted" : outcome.startsWith("refused: ") ? "refused" : "escaped";
    }

    private static byte[] mutate(SplittableRandom rng, int i, String baseName, String[] kind) throws IOException {
        Map<String, byte[]> base = bases.get(baseName);
        byte[] original = zip(base);
        switch (i % 16) {
            case 0, 1, 2, 3: {
                ObjectNode m = manifest(base);
                String path = pickLeaf(rng, m);
                Object value = VALUES[rng.nextInt(VALUES.length)];
                kind[0] = "field set [" + path + " = " + value + "]";
                return edited(base, x -> setAt(x, path, value));
            }
            case 4: {
                ObjectNode m = manifest(base);
                String path = pickLeaf(rng, m);
                JsonNode old = get(m, path);
                Object value = shifted(rng, old);
                kind[0] = "field nudged [" + path + " = " + value + "]";
                return edited(base, x -> setAt(x, path, value));
            }
            case 5: {
                ObjectNode m = manifest(base);
                String path = pickLeaf(rng, m);
                kind[0] = "field removed [" + path + "]";
                return edited(base, x -> setAt(x, path, null));
            }
            case 6: {
                String section = pick(rng, "model", "schedule", "objective", "training", "training.optimizer",
                        "seeds", "dataset");
                String name = pick(rng, "comment", "labelDropout", "kernelThreads", "initialisedFrom", "levels",
                        "betaStart", "cdlWeight");
                Object value = VALUES[rng.nextInt(VALUES.length)];
                String path = section + "." + name;
                kind[0] = "field added [" + path + " = " + value + "]";
                return edited(base, x -> {
                    if (get(x, path) == null) {
                        setAt(x, path, value);
                    }
                });
            }
            case 7: {
                String path = pick(rng, "model.kind", "model.activation", "schedule.kind", "objective.kind",
                        "training.optimizer.kind");
                String name = NAMES[rng.nextInt(NAMES.length)];
                kind[0] = "kind swapped [" + path + " = " + name + "]";
                return edited(base, x -> setAt(x, path, name));
            }
            case 8: {
                String top = pick(rng, "step", "kernelThreads", "createdAt", "engineVersion", "lossHistorySha256",
                        "formatVersion", "format", "initialisedFrom", "metrics");
                Object value = rng.nextBoolean() ? VALUES[rng.nextInt(VALUES.length)] : pick(rng,
                        "2026-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01 00:00:00Z",
                        "0".repeat(64), "A".repeat(64), "noiselab-checkpoint");
                kind[0] = "top-level field set [" + top + " = " + value + "]";
                return edited(base, x -> setAt(x, top, value));
            }
            case 9, 10: {
                return tensorMutation(rng, base, kind);
            }
            case 11: {
                kind[0] = "listing entry changed";
                return edited(base, x -> {
                    ArrayNode list = (ArrayNode) x.get("tensors");
                    ObjectNode t = (ObjectNode) list.get(rng.nextInt(list.size()));
                    String f = pick(rng, "shape", "name", "file", "dtype", "sha256");
                    Object value = rng.nextBoolean() ? VALUES[rng.nextInt(VALUES.length)]
                            : f.equals("shape") ? JSON.createArrayNode().add(rng.nextInt(3) + 1).add(1.0) : "F32";
                    kind[0] = "listing entry changed [" + f + " = " + value + "]";
                    put(t, f, value);
                });
            }
            default:
                return zipMutation(rng, i, base, original, kind);
        }
    }

    /** Tensor files changed, then listed and signed again: only the model's needs (or finiteness) can refuse them. */
    private static byte[] tensorMutation(SplittableRandom rng, Map<String, byte[]> base, String[] kind) {
        int what = rng.nextInt(8);
        String file = what >= 6 ? "training.safetensors" : pick(rng, "weights.safetensors", "ema.safetensors");
        return retensored(base, files -> {
            Map<String, Tensor> f = files.get(file);
            List<String> names = new ArrayList<>(f.keySet());
            String name = names.get(rng.nextInt(names.size()));
            Tensor t = f.get(name);
            switch (what) {
                case 0 -> {
                    kind[0] = "tensor renamed [" + file + "]";
                    rename(f, name, name + pick(rng, "x", ".0", ""));
                }
                case 1 -> {
                    kind[0] = "tensor dropped [" + file + "]";
                    f.remove(name);
                }
                case 2 -> {
                    kind[0] = "tensor reshaped [" + file + "]";
                    long[] s = t.shape();
                    long[] r = s.length == 1 ? new long[] {1, s[0]} : rng.nextBoolean() ? reversed(s)
                            : new long[] {t.data().length};
                    f.put(name, new Tensor(r, t.data()));
                }
                case 3 -> {
                    kind[0] = "tensor resized [" + file + "]";
                    long[] s = t.shape().clone();
                    s[0] += rng.nextBoolean() ? 1 : -1;
                    long n = 1;
                    for (long d : s) {
                        n *= d;
                    }
                    f.put(name, new Tensor(s, new float[(int) n]));
                }
                case 4 -> {
                    kind[0] = "extra tensor [" + file + "]";
                    f.put(pick(rng, "extra", "layers.9.weight", "time_embed.0.weight", "class_embedding.weight"),
                            Tensor.vector(new float[] {1, 2, 3}));
                }
                case 5 -> {
                    kind[0] = "tensor poisoned [" + file + "]";
                    float[] d = t.data().clone();
                    d[rng.nextInt(d.length)] = pick(rng, Float.NaN, Float.POSITIVE_INFINITY, 2e10f, -1e10f, 1e9f);
                    f.put(name, new Tensor(t.shape(), d));
                }
                case 6 -> {
                    kind[0] = "training tensor resized [" + file + "]";
                    String n = pick(rng, "adam.m", "adam.v", "loss_history");
                    Tensor x = f.get(n);
                    f.put(n, Tensor.vector(new float[Math.max(0, x.data().length + (rng.nextBoolean() ? 1 : -1))]));
                }
                default -> {
                    kind[0] = "training tensor poisoned or dropped [" + file + "]";
                    String n = pick(rng, "adam.m", "adam.v", "loss_history");
                    if (rng.nextBoolean()) {
                        f.remove(n);
                    } else {
                        float[] d = f.get(n).data().clone();
                        if (d.length > 0) {
                            d[0] = Float.NaN;
                        }
                        f.put(n, Tensor.vector(d));
                    }
                }
            }
        }, m -> {
            // the loss digest follows a changed loss history, so that tensor's own checks decide
            if (file.equals("training.safetensors")) {
                m.remove("lossHistorySha256");
            }
        });
    }

    /** The byte-level mutations of CheckpointFuzzIT. */
    private static byte[] zipMutation(SplittableRandom rng, int i, Map<String, byte[]> base, byte[] original,
                                      String[] kind) {
        switch (rng.nextInt(9)) {
            case 0:
                kind[0] = "truncated";
                return java.util.Arrays.copyOf(original, rng.nextInt(original.length));
            case 1: {
                kind[0] = "bit flips in the zip";
                byte[] b = original.clone();
                for (int k = 1 + rng.nextInt(8); k > 0; k--) {
                    int p = rng.nextInt(b.length);
                    b[p] ^= (byte) (1 << rng.nextInt(8));
                }
                return b;
            }
            case 2: {
                kind[0] = "manifest text edited (not signed)";
                Map<String, byte[]> e = new LinkedHashMap<>(base);
                e.put(MANIFEST, editText(base.get(MANIFEST), rng));
                return zip(e);
            }
            case 3: {
                kind[0] = "safetensors header edited";
                String name = TENSOR_FILES.get(rng.nextInt(3));
                Map<String, byte[]> e = new LinkedHashMap<>(base);
                e.put(name, editHeader(base.get(name), rng));
                return zip(e);
            }
            case 4: {
                kind[0] = "tensor bytes flipped";
                String name = TENSOR_FILES.get(rng.nextInt(3));
                byte[] b = base.get(name).clone();
                int p = b.length - 1 - rng.nextInt(Math.min(b.length - 8, 20_000));
                b[p] ^= (byte) (1 << rng.nextInt(8));
                Map<String, byte[]> e = new LinkedHashMap<>(base);
                e.put(name, b);
                return zip(e);
            }
            case 5: {
                if (base == bases.get("mlp") && rng.nextInt(4) == 0) {
                    kind[0] = "zip bomb";
                    return BOMBS.get(pick(rng, BOMBS.keySet().toArray(new String[0])));
                }
                kind[0] = "garbage";
                byte[] b = new byte[rng.nextInt(4096)];
                rng.nextBytes(b);
                return b;
            }
            case 6: {
                kind[0] = "hostile entry names";
                return hostileNames(base, rng);
            }
            case 7: {
                kind[0] = "entries reordered";
                List<String> names = new ArrayList<>(base.keySet());
                java.util.Collections.rotate(names, 1 + rng.nextInt(names.size() - 1));
                Map<String, byte[]> reordered = new LinkedHashMap<>();
                names.forEach(n -> reordered.put(n, base.get(n)));
                return zip(reordered);
            }
            default: {
                kind[0] = "safetensors header length";
                String name = TENSOR_FILES.get(rng.nextInt(3));
                byte[] b = base.get(name).clone();
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, pickLong(rng));
                Map<String, byte[]> e = new LinkedHashMap<>(base);
                e.put(name, b);
                return zip(e);
            }
        }
    }

    /** Every leaf of the setup sections and of the top level (except the digest and the listing), as dotted paths. */
    private static String pickLeaf(SplittableRandom rng, ObjectNode m) {
        List<String> leaves = new ArrayList<>();
        for (String section : List.of("dataset", "model", "schedule", "objective", "training", "seeds")) {
            collect(m.get(section), section, leaves);
        }
        leaves.addAll(List.of("step", "kernelThreads", "createdAt", "engineVersion", "lossHistorySha256",
                "metrics.finalLoss"));
        return leaves.get(rng.nextInt(leaves.size()));
    }

    private static void collect(JsonNode node, String path, List<String> out) {
        if (node.isObject()) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                collect(node.get(k), path + "." + k, out);
            }
        } else {
            out.add(path);
        }
    }

    private static JsonNode get(ObjectNode m, String path) {
        JsonNode n = m;
        for (String p : path.split("\\.")) {
            n = n == null || !n.isObject() ? null : n.get(p);
        }
        return n;
    }

    /** Sets (or with null removes) the field at a dotted path; a missing object on the way is created. */
    private static void setAt(ObjectNode m, String path, Object value) {
        String[] parts = path.split("\\.");
        ObjectNode o = m;
        for (int k = 0; k < parts.length - 1; k++) {
            JsonNode next = o.get(parts[k]);
            if (next == null || !next.isObject()) {
                next = o.putObject(parts[k]);
            }
            o = (ObjectNode) next;
        }
        put(o, parts[parts.length - 1], value);
    }

    /** A value near the old one: one more or less, twice, the same as a double or as a string. */
    private static Object shifted(SplittableRandom rng, JsonNode old) {
        if (old != null && old.isIntegralNumber()) {
            long v = old.asLong();
            return switch (rng.nextInt(5)) {
                case 0 -> v + 1;
                case 1 -> v - 1;
                case 2 -> 2 * v;
                case 3 -> (double) v;
                default -> Long.toString(v);
            };
        }
        if (old != null && old.isNumber()) {
            double v = old.asDouble();
            return switch (rng.nextInt(5)) {
                case 0 -> v * 2;
                case 1 -> -v;
                case 2 -> v + 1;
                case 3 -> (Object) (long) Math.floor(v);
                default -> Double.toString(v);
            };
        }
        if (old != null && old.isTextual()) {
            String s = old.asText();
            return switch (rng.nextInt(4)) {
                case 0 -> s.toUpperCase(java.util.Locale.ROOT);
                case 1 -> s + " ";
                case 2 -> s.isEmpty() ? "x" : s.substring(1);
                default -> 1;
            };
        }
        return old == null ? 0 : !old.asBoolean();
    }

    private static long[] reversed(long[] s) {
        long[] r = new long[s.length];
        for (int k = 0; k < s.length; k++) {
            r[k] = s[s.length - 1 - k];
        }
        return r;
    }

    @SafeVarargs
    private static <T> T pick(SplittableRandom rng, T... options) {
        return options[rng.nextInt(options.length)];
    }

    private static long pickLong(SplittableRandom rng) {
        long[] values = {0, 1, -1, 7, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40, 1L << 31, 999_999_999_999L,
            rng.nextLong()};
        return values[rng.nextInt(values.length)];
    }

    private static byte[] editText(byte[] text, SplittableRandom rng) {
        StringBuilder s = new StringBuilder(new String(text, StandardCharsets.UTF_8));
        for (int k = 1 + rng.nextInt(3); k > 0; k--) {
            int p = rng.nextInt(s.length());
            switch (rng.nextInt(3)) {
                case 0 -> s.deleteCharAt(p);
                case 1 -> s.insert(p, "{}[],:\"0-e9xn ".charAt(rng.nextInt(14)));
                default -> s.setCharAt(p, (char) (32 + rng.nextInt(95)));
            }
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] editHeader(byte[] file, SplittableRandom rng) {
        long length = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(file, 8, (int) length, StandardCharsets.UTF_8);
        String edited = switch (rng.nextInt(5)) {
            case 0 -> header.replaceFirst("\"shape\":\\[\\d+", "\"shape\":[" + pickLong(rng));
            case 1 -> header.replaceFirst("\"data_offsets\":\\[\\d+,\\d+", "\"data_offsets\":[" + rng.nextInt(100)
                    + "," + pickLong(rng));
            case 2 -> header.replaceFirst("\"F32\"", pick(rng, "\"F16\"", "\"I64\"", "null", "\"F32 \""));
            case 3 -> header.replaceFirst("\"shape\":\\[", "\"shape\":[" + (rng.nextInt(3) + 1) + ",");
            default -> new String(editText(header.getBytes(StandardCharsets.UTF_8), rng), StandardCharsets.UTF_8);
        };
        byte[] h = edited.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + file.length - 8 - (int) length)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(file, 8 + (int) length, file.length - 8 - (int) length);
        return out.array();
    }

    private static byte[] hostileNames(Map<String, byte[]> base, SplittableRandom rng) {
        String name = pick(rng, "../../etc/passwd", "/etc/passwd", "weights.safetensors/../x", "C:\\evil.dll",
                "manifest.json\u0000", "a/b/c", "..", "");
        List<Map.Entry<String, byte[]>> list = new ArrayList<>(base.entrySet());
        if (rng.nextBoolean()) {
            list.add(rng.nextInt(list.size() + 1), Map.entry(name.isEmpty() ? "x" : name, new byte[] {1, 2, 3}));
            return zipList(list);
        }
        // a second entry named like an existing one: written under a same-length placeholder, renamed in the bytes
        String target = pick(rng, "weights.safetensors", MANIFEST, "ema.safetensors");
        String placeholder = target.replace('e', 'E');
        list.add(1 + rng.nextInt(list.size()), Map.entry(placeholder, base.get(target)));
        String latin = new String(zipList(list), StandardCharsets.ISO_8859_1).replace(placeholder, target);
        return latin.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A zip whose chosen entry is followed by 64 MB of zeros (deflated to a few hundred KB). */
    private static byte[] bomb(Map<String, byte[]> entries, String bombName) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                if (e.getKey().equals(bombName)) {
                    byte[] block = new byte[1 << 20];
                    for (int k = 0; k < 64; k++) {
                        zip.write(block);
                    }
                }
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
