package org.noiselab.engine.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.testing.Fixtures;
import org.noiselab.engine.train.TrainingControl;
import org.noiselab.engine.train.TrainingLoop;
import org.noiselab.engine.train.TrainingSession;
import org.noiselab.engine.train.TrainingSetup;

/**
 * Hostile checkpoints: 12,000 mutations of a valid file (truncations, bit flips in the zip and in its decompressed
 * entries, broken and type-confused manifest fields, oversized shapes and offsets, wrong checksums, zip bombs, path
 * traversal and duplicate entries, garbage). Every one must either be rejected with a
 * {@link CheckpointFormatException} (whose message says what is wrong) or load to exactly the original tensors; none
 * may throw anything else, take more than 2 s, or allocate more than {@link #ALLOCATION_BOUND} bytes while loading.
 */
class CheckpointFuzzIT {

    /** The stated bound on what one load of a mutated 30 KB checkpoint may allocate. */
    static final long ALLOCATION_BOUND = 48L << 20;
    static final int CASES = 12_000;

    @TempDir
    static Path dir;

    private static byte[] original;
    private static Map<String, byte[]> entries;
    private static Checkpoint reference;
    private static final Map<String, byte[]> BOMBS = new LinkedHashMap<>();
    /** Zeros appended to the bombed entry: far above every bound of the reader, and above the allocation bound. */
    private static final int BOMB_BYTES = 64 << 20;

    @BeforeAll
    static void makeCheckpoint() throws IOException {
        TrainingSetup base = Fixtures.smallSetup("three-class", 20, 2);
        TrainingSetup setup = new TrainingSetup(base.dataset(), ((MlpSpec) base.model()).withWidth(16)
                .withClassCount(3), base.schedule(), base.objective(), base.config(), base.seeds());
        TrainingSession s = TrainingSession.start(setup);
        TrainingLoop.run(s, new TrainingControl(), List.of());
        Path file = dir.resolve("base.nlab");
        // a fixed time stamp makes the base file, and so every mutation of the seeded corpus, the same on every run
        CheckpointIO.save(new Checkpoint(s.setup(), s.state(), "fuzz", java.time.Instant.parse("2026-01-01T00:00:00Z"),
                Map.of("finalLoss", 1.0)), file);
        original = Files.readAllBytes(file);
        entries = CheckpointIOTest.entries(file);
        reference = CheckpointIO.load(file);
        for (String name : entries.keySet()) {
            BOMBS.put(name, zipWithRaw(name));
        }
    }

    @Test
    void theBaseCheckpointIsTheSameBytesEveryTime() throws IOException {
        Path again = dir.resolve("again.nlab");
        CheckpointIO.save(CheckpointIO.load(new ByteArrayInputStream(original), "base.nlab"), again);
        assertThat(Files.readAllBytes(again)).isEqualTo(original);
    }

    @Test
    void everyMutationIsRejectedWithAReasonOrLoadsUnchanged() {
        SplittableRandom rng = new SplittableRandom(20261125);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<String, int[]> outcomes = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        long worstAllocation = 0;
        long worstNanos = 0;
        for (int i = 0; i < CASES; i++) {
            Mutation m = mutate(rng, i);
            long allocated = threads.getCurrentThreadAllocatedBytes();
            long start = threads.getCurrentThreadCpuTime(); // CPU time: a descheduled thread is no slow reader
            String outcome;
            try {
                Checkpoint c = CheckpointIO.load(new ByteArrayInputStream(m.bytes()), "fuzz.nlab");
                outcome = sameTensors(c) ? "loaded unchanged" : "LOADED CHANGED TENSORS";
            } catch (CheckpointFormatException e) {
                outcome = e.getMessage() == null || e.getMessage().isBlank() ? "REJECTED WITHOUT A MESSAGE"
                        : "rejected";
            } catch (Throwable t) {
                outcome = "ESCAPED " + t.getClass().getSimpleName() + ": " + t.getMessage();
            }
            long nanos = threads.getCurrentThreadCpuTime() - start;
            long bytes = threads.getCurrentThreadAllocatedBytes() - allocated;
            worstAllocation = Math.max(worstAllocation, bytes);
            worstNanos = Math.max(worstNanos, nanos);
            outcomes.computeIfAbsent(m.kind() + " -> " + outcome.replaceAll(":.*", ""), k -> new int[1])[0]++;
            if (!(outcome.equals("rejected") || outcome.equals("loaded unchanged")) || bytes > ALLOCATION_BOUND || nanos > 2_000_000_000L) {
                if (failures.size() < 10) {
                    failures.add(m.kind() + ": " + outcome + " (" + bytes + " bytes, " + nanos / 1_000_000 + " ms)");
                }
            }
        }
        outcomes.forEach((k, v) -> System.out.printf("%6d  %s%n", v[0], k));
        System.out.printf("worst allocation %.1f MB, worst CPU time %.1f ms over %d mutated checkpoints%n",
                worstAllocation / 1e6, worstNanos / 1e6, CASES);
        assertThat(failures).isEmpty();
        assertThat(worstAllocation).isLessThanOrEqualTo(ALLOCATION_BOUND);
        int rejected = outcomes.entrySet().stream().filter(e -> e.getKey().endsWith("rejected"))
                .mapToInt(e -> e.getValue()[0]).sum();
        assertThat(rejected).isGreaterThan(CASES * 9 / 10);
    }

    record Mutation(String kind, byte[] bytes) {
    }

    private static Mutation mutate(SplittableRandom rng, int i) {
        switch (i % 12) {
            case 0:
                return new Mutation("truncated", java.util.Arrays.copyOf(original, rng.nextInt(original.length)));
            case 1: {
                byte[] b = original.clone();
                for (int k = 1 + rng.nextInt(8); k > 0; k--) {
                    int p = rng.nextInt(b.length);
                    b[p] ^= (byte) (1 << rng.nextInt(8));
                }
                return new Mutation("bit flips in the zip", b);
            }
            case 2:
                return new Mutation("manifest text edited", rezip(Map.of("manifest.json",
                        editText(entries.get("manifest.json"), rng))));
            case 3:
                return new Mutation("manifest field confused", rezip(Map.of("manifest.json",
                        confuseField(entries.get("manifest.json"), rng))));
            case 4: {
                String name = pick(rng, "weights.safetensors", "ema.safetensors", "training.safetensors");
                return new Mutation("safetensors header edited", rezip(Map.of(name, editHeader(entries.get(name), rng))));
            }
            case 5: {
                String name = pick(rng, "weights.safetensors", "ema.safetensors", "training.safetensors");
                byte[] b = entries.get(name).clone();
                int p = b.length - 1 - rng.nextInt(Math.min(b.length - 8, 20_000));
                b[p] ^= (byte) (1 << rng.nextInt(8));
                return new Mutation("tensor bytes flipped", rezip(Map.of(name, b)));
            }
            case 6: {
                String text = new String(entries.get("manifest.json"), StandardCharsets.UTF_8);
                String edited = text.replaceFirst("\"sha256\" : \"[0-9a-f]", "\"sha256\" : \"" + "0123456789abcdef"
                        .charAt(rng.nextInt(16)));
                return new Mutation("checksum changed", rezip(Map.of("manifest.json",
                        edited.getBytes(StandardCharsets.UTF_8))));
            }
            case 7:
                return new Mutation("zip bomb", BOMBS.get(pick(rng, "manifest.json", "weights.safetensors",
                        "ema.safetensors", "training.safetensors")));
            case 8:
                return new Mutation("hostile entry names", hostileNames(rng));
            case 9: {
                byte[] b = new byte[rng.nextInt(4096)];
                rng.nextBytes(b);
                return new Mutation("garbage", b);
            }
            case 10: {
                String name = pick(rng, "weights.safetensors", "ema.safetensors", "training.safetensors");
                byte[] b = entries.get(name).clone();
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, pickLong(rng));
                return new Mutation("safetensors header length", rezip(Map.of(name, b)));
            }
            default: {
                Map<String, byte[]> reordered = new LinkedHashMap<>();
                List<String> names = new ArrayList<>(entries.keySet());
                java.util.Collections.rotate(names, 1 + rng.nextInt(names.size() - 1));
                names.forEach(n -> reordered.put(n, entries.get(n)));
                return new Mutation("entries reordered", zip(reordered));
            }
        }
    }

    /** Everything that defines the run: setup, step, every tensor and the loss history. */
    private static boolean sameTensors(Checkpoint c) {
        return c.setup().equals(reference.setup()) && c.state().step() == reference.state().step()
                && java.util.Arrays.equals(c.state().lossHistory(), reference.state().lossHistory())
                && java.util.Arrays.equals(c.state().parameters(), reference.state().parameters())
                && java.util.Arrays.equals(c.state().emaParameters(), reference.state().emaParameters())
                && java.util.Arrays.equals(c.state().firstMoment(), reference.state().firstMoment())
                && java.util.Arrays.equals(c.state().secondMoment(), reference.state().secondMoment())
                && c.setup().model().equals(reference.setup().model());
    }

    private static byte[] editText(byte[] text, SplittableRandom rng) {
        StringBuilder s = new StringBuilder(new String(text, StandardCharsets.UTF_8));
        for (int k = 1 + rng.nextInt(3); k > 0; k--) {
            int p = rng.nextInt(s.length());
            switch (rng.nextInt(3)) {
                case 0 -> s.deleteCharAt(p);
                case 1 -> s.insert(p, "{}[],:\"0-e9xn".charAt(rng.nextInt(13)));
                default -> s.setCharAt(p, (char) (32 + rng.nextInt(95)));
            }
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static final String[] FIELDS = {"width", "depth", "dim", "classCount", "inputFrequencies",
        "noiseFrequencies", "steps", "batchSize", "step", "parameterCount", "formatVersion", "warmupSteps"};
    private static final String[] VALUES = {"-1", "0", "2147483647", "1e308", "\"wide\"", "null", "[]", "{}",
        "3.5", "99999999999999999999", "true", "1000000"};

    private static byte[] confuseField(byte[] text, SplittableRandom rng) {
        String field = FIELDS[rng.nextInt(FIELDS.length)];
        String value = VALUES[rng.nextInt(VALUES.length)];
        String s = new String(text, StandardCharsets.UTF_8).replaceFirst("\"" + field + "\" : [^,\\n}]+",
                "\"" + field + "\" : " + value);
        return s.getBytes(StandardCharsets.UTF_8);
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

    private static long pickLong(SplittableRandom rng) {
        long[] values = {0, 1, -1, 7, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40, 1L << 31, 999_999_999_999L,
            rng.nextLong()};
        return values[rng.nextInt(values.length)];
    }

    private static String pick(SplittableRandom rng, String... options) {
        return options[rng.nextInt(options.length)];
    }

    private static byte[] hostileNames(SplittableRandom rng) {
        Map<String, byte[]> e = new LinkedHashMap<>(entries);
        String name = pick(rng, "../../etc/passwd", "/etc/passwd", "weights.safetensors/../x", "C:\\evil.dll",
                "manifest.json\u0000", "a/b/c", "..", "");
        byte[] payload = {1, 2, 3};
        List<Map.Entry<String, byte[]>> list = new ArrayList<>(e.entrySet());
        if (rng.nextBoolean()) {
            list.add(rng.nextInt(list.size() + 1), Map.entry(name.isEmpty() ? "x" : name, payload));
            return zipList(list);
        }
        // a second entry named like an existing one: written under a same-length placeholder name, then renamed
        // in the archive bytes (java.util.zip refuses to write duplicates itself)
        String target = pick(rng, "weights.safetensors", "manifest.json", "ema.safetensors");
        String placeholder = target.replace('e', 'E');
        list.add(1 + rng.nextInt(list.size()), Map.entry(placeholder, entries.get(target)));
        byte[] zip = zipList(list);
        String latin = new String(zip, StandardCharsets.ISO_8859_1).replace(placeholder, target);
        return latin.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A zip whose chosen entry is followed by 64 MB of zeros (deflated to a few hundred KB). */
    private static byte[] zipWithRaw(String bombName) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    ZipEntry z = new ZipEntry(e.getKey());
                    if (e.getKey().equals(bombName)) {
                        z.setMethod(ZipEntry.DEFLATED);
                        zip.putNextEntry(z);
                        zip.write(e.getValue());
                        writeZeros(zip, BOMB_BYTES);
                    } else {
                        zip.putNextEntry(z);
                        zip.write(e.getValue());
                    }
                    zip.closeEntry();
                }
            }
            return bytes.toByteArray();
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void writeZeros(ZipOutputStream zip, int count) throws IOException {
        byte[] block = new byte[1 << 20];
        for (int written = 0; written < count; written += block.length) {
            zip.write(block);
        }
    }

    private static byte[] rezip(Map<String, byte[]> replaced) {
        Map<String, byte[]> e = new LinkedHashMap<>(entries);
        e.putAll(replaced);
        return zip(e);
    }

    private static byte[] zip(Map<String, byte[]> e) {
        return zipList(new ArrayList<>(e.entrySet()));
    }

    private static byte[] zipList(List<Map.Entry<String, byte[]>> list) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                for (Map.Entry<String, byte[]> e : list) {
                    try {
                        zip.putNextEntry(new ZipEntry(e.getKey()));
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

    @Test
    void theBombsAreSmallFilesThatExpandFarBeyondEveryBound() throws IOException {
        for (byte[] b : BOMBS.values()) {
            assertThat(b.length).isLessThan(original.length + (1 << 20));
            long expanded = 0;
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(b))) {
                while (zip.getNextEntry() != null) {
                    expanded += zip.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
            assertThat(expanded).isGreaterThan(BOMB_BYTES);
        }
    }
}
