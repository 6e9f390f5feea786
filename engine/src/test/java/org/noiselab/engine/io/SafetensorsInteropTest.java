package org.noiselab.engine.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.cli.NoiseLabCli;
import org.noiselab.engine.kernel.VectorGemm;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.model.MlpDenoiser;
import org.noiselab.engine.model.MlpLayout;
import org.noiselab.engine.model.MlpSpec;

/**
 * Safetensors interchange, checked against a hand-written codec in this test (not the engine's): a file written "by
 * another tool" in PyTorch's Linear layout imports and predicts like the same weights loaded directly; an exported file
 * parses with a hand-written reader.
 */
class SafetensorsInteropTest {

    @TempDir
    Path dir;

    @Test
    void aForeignFileImportsAndPredictsLikeTheSameWeights() throws Exception {
        MlpSpec spec = MlpSpec.defaults(2).withWidth(24).withDepth(2);
        MlpLayout layout = new MlpLayout(spec);
        SplittableRandom rng = new SplittableRandom(5);
        float[] params = new float[layout.size()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) rng.nextGaussian() * 0.2f;
        }
        // the foreign writer: torch-style names, [out, in] weights, its own tensor order, no metadata
        Map<String, float[]> data = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (int l = layout.layers() - 1; l >= 0; l--) {
            int in = spec.layerInput(l);
            int out = spec.layerOutput(l);
            float[] w = new float[in * out];
            VectorGemm.transpose(params, layout.weightOffset(l), in, out, w);
            data.put("layers." + l + ".bias", java.util.Arrays.copyOfRange(params, layout.biasOffset(l),
                    layout.biasOffset(l) + out));
            shapes.put("layers." + l + ".bias", new int[] {out});
            data.put("layers." + l + ".weight", w);
            shapes.put("layers." + l + ".weight", new int[] {out, in});
        }
        Path foreign = dir.resolve("foreign.safetensors");
        Files.write(foreign, handWritten(data, shapes));

        Path imported = dir.resolve("imported.nlab");
        int code = NoiseLabCli.run(new String[] {"import", "--safetensors", foreign.toString(), "--dataset", "dino",
            "--width", "24", "--depth", "2", "--out", imported.toString()}, quiet(), quiet());
        assertThat(code).isZero();
        Denoiser fromFile = CheckpointIO.load(imported).emaDenoiser();
        Denoiser direct = MlpDenoiser.of(spec, params);
        float[] x = {0.3f, -1.2f, 2f, 0.5f, -0.7f, 0.1f};
        float[] lambda = {-3f, 0.5f, 6f};
        float[] a = new float[6];
        float[] b = new float[6];
        fromFile.predictEps(x, lambda, null, 3, a);
        direct.predictEps(x, lambda, null, 3, b);
        assertThat(a).containsExactly(b);

        // a tensor of the wrong shape is refused with its name
        shapes.put("layers.1.weight", new int[] {2, 24});
        data.put("layers.1.weight", new float[48]);
        Files.write(foreign, handWritten(data, shapes));
        StringWriter err = new StringWriter();
        int refused = NoiseLabCli.run(new String[] {"import", "--safetensors", foreign.toString(), "--dataset", "dino",
            "--width", "24", "--depth", "2", "--out", imported.toString()}, quiet(), new PrintWriter(err, true));
        assertThat(refused).isEqualTo(2);
        assertThat(err.toString()).contains("layers.1.weight").contains("shape");
    }

    @Test
    void anExportedFileParsesWithAHandWrittenReader() throws Exception {
        MlpSpec spec = MlpSpec.defaults(1).withWidth(16);
        MlpDenoiser model = MlpDenoiser.initialise(spec, 9);
        Path ckpt = dir.resolve("m.nlab");
        float[] p = model.parameters();
        CheckpointIO.save(CheckpointIO.of(new org.noiselab.engine.train.TrainingSetup("gauss1d-two-mode", spec,
                org.noiselab.engine.schedule.ScheduleSpec.parse("linear", 1000),
                new org.noiselab.engine.objective.ObjectiveSpec.Ddpm(),
                org.noiselab.engine.train.TrainingConfig.TOY_DEFAULT, org.noiselab.engine.train.RunSeeds.from(1)),
                new org.noiselab.engine.train.TrainingState(0, p, p.clone(), new float[p.length], new float[p.length],
                        new float[0]), Map.of()), ckpt);
        Path exported = dir.resolve("m.safetensors");
        assertThat(NoiseLabCli.run(new String[] {"export", "--checkpoint", ckpt.toString(), "--out",
            exported.toString()}, quiet(), quiet())).isZero();
        byte[] bytes = Files.readAllBytes(exported);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        var header = new com.fasterxml.jackson.databind.ObjectMapper().readTree(new String(bytes, 8, (int) n,
                StandardCharsets.UTF_8));
        var bias = header.get("layers.3.bias");
        assertThat(bias.get("dtype").asText()).isEqualTo("F32");
        assertThat(bias.get("shape").get(0).asInt()).isEqualTo(1);
        long begin = bias.get("data_offsets").get(0).asLong();
        float value = ByteBuffer.wrap(bytes, (int) (8 + n + begin), 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        assertThat(value).isEqualTo(p[model.layout().biasOffset(3)]);
        assertThat(header.get("__metadata__").get("format").asText()).isEqualTo("pt");
    }

    /** An independent safetensors writer: header JSON by string concatenation, data little-endian, no padding. */
    private static byte[] handWritten(Map<String, float[]> data, Map<String, int[]> shapes) {
        StringBuilder json = new StringBuilder("{");
        long offset = 0;
        for (String name : data.keySet()) {
            long end = offset + 4L * data.get(name).length;
            json.append(json.length() > 1 ? "," : "").append('"').append(name).append("\":{\"dtype\":\"F32\",\"shape\":")
                    .append(java.util.Arrays.toString(shapes.get(name)).replace(" ", "")).append(",\"data_offsets\":[")
                    .append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        byte[] header = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        out.writeBytes(len.array());
        out.writeBytes(header);
        for (float[] values : data.values()) {
            ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            out.writeBytes(b.array());
        }
        return out.toByteArray();
    }

    private static PrintWriter quiet() {
        return new PrintWriter(new StringWriter(), true);
    }
}
