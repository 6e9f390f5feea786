package org.noiselab.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.testing.Fixtures;
import org.noiselab.engine.train.TrainingControl;
import org.noiselab.engine.train.TrainingLoop;
import org.noiselab.engine.train.TrainingSession;

class CheckpointIOTest {

    @TempDir
    Path dir;

    private Checkpoint trained() {
        var setup = Fixtures.smallSetup("three-class", 30, 1);
        var conditional = new org.noiselab.engine.train.TrainingSetup(setup.dataset(),
                ((org.noiselab.engine.model.MlpSpec) setup.model()).withClassCount(3), setup.schedule(),
                setup.objective(), setup.config(), setup.seeds());
        TrainingSession s = TrainingSession.start(conditional);
        TrainingLoop.run(s, new TrainingControl(), List.of());
        return CheckpointIO.of(s.setup(), s.state(), Map.of("finalLoss", 0.5));
    }

    @Test
    void roundTripPreservesEverything() throws IOException {
        Checkpoint c = trained();
        Path file = dir.resolve("run.nlab");
        CheckpointIO.save(c, file);
        Checkpoint back = CheckpointIO.load(file);
        assertThat(back.setup()).isEqualTo(c.setup());
        assertThat(back.state().step()).isEqualTo(30);
        assertThat(back.state().parameters()).containsExactly(c.state().parameters());
        assertThat(back.state().emaParameters()).containsExactly(c.state().emaParameters());
        assertThat(back.state().firstMoment()).containsExactly(c.state().firstMoment());
        assertThat(back.state().secondMoment()).containsExactly(c.state().secondMoment());
        assertThat(back.state().lossHistory()).containsExactly(c.state().lossHistory());
        assertThat(back.metrics()).isEqualTo(c.metrics());
        assertThat(back.createdAt()).isEqualTo(c.createdAt());
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("run.nlab",
                    "run.manifest.json");
        }
        assertThat(Files.readAllBytes(dir.resolve("run.manifest.json"))).isEqualTo(entries(file).get("manifest.json"));
    }

    @Test
    void weightsAreStandardSafetensorsInPyTorchLayout() throws IOException {
        Checkpoint c = trained();
        Path file = dir.resolve("run.nlab");
        CheckpointIO.save(c, file);
        byte[] weights = entries(file).get("weights.safetensors");
        // parse the header by hand, as an independent reader would
        ByteBuffer buf = ByteBuffer.wrap(weights).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        String header = new String(weights, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).contains("\"layers.0.weight\":{\"dtype\":\"F32\",\"shape\":[32,");
        assertThat(header).contains("\"class_embedding.weight\"");
        assertThat(n % 8).isZero();
        // the first read-out bias value sits where the header says
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(header);
        long begin = tree.get("layers.3.bias").get("data_offsets").get(0).asLong();
        float first = ByteBuffer.wrap(weights, (int) (8 + n + begin), 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        var layout = new org.noiselab.engine.model.MlpLayout((org.noiselab.engine.model.MlpSpec) c.setup().model());
        assertThat(first).isEqualTo(c.state().parameters()[layout.biasOffset(3)]);
    }

    @Test
    void corruptedTensorFailsItsChecksum() throws IOException {
        Path file = dir.resolve("run.nlab");
        CheckpointIO.save(trained(), file);
        Map<String, byte[]> e = entries(file);
        byte[] w = e.get("ema.safetensors");
        w[w.length - 3] ^= 0x10;
        rewrite(file, e);
        assertThatThrownBy(() -> CheckpointIO.load(file)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("checksum mismatch").hasMessageContaining("ema.safetensors");
    }

    @Test
    void truncatedAndForeignFilesAreRejectedWithAReason() throws IOException {
        Path file = dir.resolve("run.nlab");
        CheckpointIO.save(trained(), file);
        byte[] all = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> CheckpointIO.load(file)).isInstanceOf(CheckpointFormatException.class);

        Map<String, byte[]> e = new java.util.LinkedHashMap<>();
        e.put("../../evil.sh", new byte[] {1});
        rewrite(file, e);
        assertThatThrownBy(() -> CheckpointIO.load(file)).hasMessageContaining("unexpected entry");

        CheckpointIO.save(trained(), file);
        e = entries(file);
        String edited = new String(e.get("manifest.json"), StandardCharsets.UTF_8).replace("\"width\" : 32",
                "\"width\" : \"wide\"");
        e.put("manifest.json", edited.getBytes(StandardCharsets.UTF_8));
        rewrite(file, e);
        assertThatThrownBy(() -> CheckpointIO.load(file)).hasMessageContaining("manifestSha256 does not match");

        // with a consistent digest (a file from another tool), the field itself is checked
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(edited);
        tree.put("manifestSha256", CheckpointIO.manifestDigest(tree));
        e.put("manifest.json", tree.toString().getBytes(StandardCharsets.UTF_8));
        rewrite(file, e);
        assertThatThrownBy(() -> CheckpointIO.load(file)).hasMessageContaining("model.width must be an integer");
    }

    /** Rewrites the checkpoint's manifest through {@code edit}, with a consistent digest (as another tool would). */
    private void editManifest(Path file, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> edit)
            throws IOException {
        CheckpointIO.save(trained(), file);
        Map<String, byte[]> e = entries(file);
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(e.get("manifest.json"));
        edit.accept(tree);
        tree.put("manifestSha256", CheckpointIO.manifestDigest(tree));
        e.put("manifest.json", tree.toString().getBytes(StandardCharsets.UTF_8));
        rewrite(file, e);
    }

    @Test
    void listedShapesDtypesAndKernelThreadsMustBeTrueOfTheFile() throws IOException {
        Path file = dir.resolve("listed.nlab");
        editManifest(file, m -> {
            var shape = ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("tensors").get(0)).putArray("shape");
            shape.add(1L << 40).add(1L << 40);
        });
        assertThatThrownBy(() -> CheckpointIO.load(file)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("tensors[0].shape is [1099511627776, 1099511627776] but tensor 'layers.0.weight'");
        editManifest(file, m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("tensors").get(1))
                .put("dtype", "F16"));
        assertThatThrownBy(() -> CheckpointIO.load(file)).hasMessageContaining("tensors[1].dtype is 'F16'");
        editManifest(file, m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("tensors").get(2))
                .putArray("shape").add(-1));
        assertThatThrownBy(() -> CheckpointIO.load(file)).hasMessageContaining("tensors[2].shape must hold non-negative");
        editManifest(file, m -> m.put("kernelThreads", 1_000_000));
        assertThatThrownBy(() -> CheckpointIO.load(file)).hasMessageContaining("kernelThreads is 1000000, outside 0..256");
        Path sidecar = CheckpointIO.sidecar(dir.resolve("side.nlab"));
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(entries(file).get("manifest.json"));
        Files.write(sidecar, tree.toString().getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> CheckpointIO.readManifest(sidecar)).hasMessageContaining("kernelThreads is 1000000");
        // the untouched file loads
        CheckpointIO.save(trained(), file);
        assertThat(CheckpointIO.load(file).state().step()).isEqualTo(30);
    }

    static Map<String, byte[]> entries(Path file) throws IOException {
        Map<String, byte[]> out = new java.util.LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                out.put(e.getName(), zip.readAllBytes());
            }
        }
        return out;
    }

    static void rewrite(Path file, Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        Files.write(file, bytes.toByteArray());
    }
}
