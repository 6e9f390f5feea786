package org.noiselab.engine.twin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.io.ModelTensors;
import org.noiselab.engine.io.Tensor;
import org.noiselab.engine.kernel.Parallelism;
import org.noiselab.engine.model.MlpDenoiser;
import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.model.layer.Activation;
import org.noiselab.engine.testing.TorchTwin;

/**
 * The PyTorch twin of the toy denoiser ({@code noiselab_torch.models.mlp.MlpDenoiser}) computes what the engine's
 * {@link MlpDenoiser} computes, on the same weights: engine-initialised networks of every activation (unconditional
 * and conditional, edge feature counts) and the shipped dino and conditional datasaurus checkpoints, over a grid of
 * points in a box at log-SNR values from -30 to 30, with every label including the null class (and no labels).
 * Compared: the prediction (from the engine's per-level path, which folds the noise features into the bias, its
 * mixed-level path and its training path) and the parameter gradients of the probe loss {@code sum(eps * G)} for a
 * fixed random {@code G}, tensor by tensor under the checkpoint's names. The twin loads the weights strictly by name
 * and shape, so a renamed tensor fails the run and a transposed one fails the comparison.
 *
 * <p>The engine side runs on at least two kernel threads, so its split rows and summed partial gradients are what is
 * compared (and a race between its threads shows as a difference).
 */
class MlpTwinParityTest {

    /** Outputs: float32 round-off through a few layers of width up to 128 (measured up to 6.5e-7 of max |eps|). */
    static final double OUTPUT_TOLERANCE = 1e-5;
    /** Parameter gradients: float32 sums over hundreds of rows in another order (measured below 2e-6). */
    static final double GRADIENT_TOLERANCE = 2e-5;

    static final float[] LOG_SNRS = {-30f, -12f, -4f, -0.5f, 0f, 1.5f, 6f, 15f, 30f};

    @TempDir
    static Path dir;
    static TorchTwin twin;
    static final List<Case> CASES = new ArrayList<>();

    /** One comparison: an engine network and the inputs both sides see. */
    record Case(String name, MlpDenoiser engine, float[] x, float[] logSnr, int @Nullable [] labels, float[] g) {
        int rows() {
            return logSnr.length;
        }
    }

    @BeforeAll
    static void runTheTwin() throws Exception {
        twin = new TorchTwin(dir);
        // every activation, one to three dimensions, conditional and not, no input frequencies, one noise frequency
        random("relu", new MlpSpec(2, 48, 3, Activation.RELU, 8, 16, 6, 1, 0), 11, false);
        random("silu-conditional", new MlpSpec(3, 40, 2, Activation.SILU, 5, 4, 4, 2, 4), 12, true);
        random("silu-null-class", new MlpSpec(3, 40, 2, Activation.SILU, 5, 4, 4, 2, 4), 12, false);
        random("gelu", new MlpSpec(1, 64, 4, Activation.GELU, 16, 16, 32, 1, 0), 13, false);
        random("tanh-conditional", new MlpSpec(2, 32, 1, Activation.TANH, 0, 1, 1, 3, 2), 14, true);
        shipped("dino-ddpm", false);
        shipped("datasaurus-conditional-ddpm", true);
        shipped("datasaurus-conditional-ddpm", false);
        twin.run();
    }

    private static void random(String name, MlpSpec spec, long seed, boolean labelled) throws IOException {
        MlpDenoiser engine = MlpDenoiser.initialise(spec, seed);
        String weights = twin.write(name + ".weights.safetensors", ModelTensors.toTensors(spec, engine.parameters(),
                ""));
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("spec", specJson(spec));
        args.put("weights", weights);
        add(name, engine, args, labelled, seed);
    }

    private static void shipped(String checkpoint, boolean labelled) throws IOException {
        Path file = dir.resolve(checkpoint + ".nlab");
        if (!Files.exists(file)) {
            try (InputStream in = MlpTwinParityTest.class.getResourceAsStream(
                    "/org/noiselab/assets/checkpoints/" + checkpoint + ".nlab")) {
                Files.copy(in, file);
            }
        }
        Checkpoint c = CheckpointIO.load(file);
        MlpDenoiser engine = MlpDenoiser.of((MlpSpec) c.setup().model(), c.state().emaParameters());
        String name = checkpoint + (labelled ? "-labelled" : "");
        add(name, engine, Map.of("checkpoint", file.getFileName().toString()), labelled, 7);
    }

    /** Fills a case's inputs (a grid in [-4, 4]^d times every log-SNR, labels cycling over 0..C) and adds it. */
    private static void add(String name, MlpDenoiser engine, Map<String, Object> args, boolean labelled, long seed)
            throws IOException {
        MlpSpec spec = engine.spec();
        float[] points = grid(spec.dim(), spec.dim() == 1 ? 41 : spec.dim() == 2 ? 9 : 5, -4, 4);
        int m = points.length / spec.dim();
        int n = m * LOG_SNRS.length;
        float[] x = new float[n * spec.dim()];
        float[] logSnr = new float[n];
        for (int s = 0; s < LOG_SNRS.length; s++) {
            System.arraycopy(points, 0, x, s * points.length, points.length);
            Arrays.fill(logSnr, s * m, (s + 1) * m, LOG_SNRS[s]);
        }
        int[] labels = null;
        if (labelled) {
            labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = i % (spec.classCount() + 1);
            }
        }
        float[] g = gaussian(n * spec.dim(), seed);
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("x", Tensor.matrix(n, spec.dim(), x));
        inputs.put("log_snr", Tensor.vector(logSnr));
        if (labels != null) {
            inputs.put("labels", Tensor.vector(floats(labels)));
        }
        inputs.put("G", Tensor.matrix(n, spec.dim(), g));
        Map<String, Object> all = new LinkedHashMap<>(args);
        all.put("inputs", twin.write(name + ".inputs.safetensors", inputs));
        twin.add(name, "mlp.denoiser", all);
        CASES.add(new Case(name, engine, x, logSnr, labels, g));
    }

    @Test
    void predictionsEqualTheEnginesOnEveryPath() throws IOException {
        for (Case c : CASES) {
            MlpDenoiser e = c.engine();
            int n = c.rows();
            int d = e.dim();
            Tensor twinEps = twin.outputs(c.name()).get("eps");
            float[] mixed = new float[n * d];
            float[] perLevel = new float[n * d];
            float[] training = new float[n * d];
            withThreads(THREADS, () -> enginePredictions(c, mixed, perLevel, training));
            check(c.name() + " eps (mixed levels)", Tensor.matrix(n, d, mixed), twinEps, OUTPUT_TOLERANCE);
            check(c.name() + " eps (one level per call)", Tensor.matrix(n, d, perLevel), twinEps, OUTPUT_TOLERANCE);
            check(c.name() + " eps (training)", Tensor.matrix(n, d, training), twinEps, OUTPUT_TOLERANCE);
        }
    }

    /** The engine's predictions on its three paths: mixed levels, one level per call, training. */
    private static void enginePredictions(Case c, float[] mixed, float[] perLevel, float[] training) {
        MlpDenoiser e = c.engine();
        int n = c.rows();
        int d = e.dim();
        e.predictEps(c.x(), c.logSnr(), c.labels(), n, mixed);
        // one level per call: the engine folds the noise features into the first bias
        int m = n / LOG_SNRS.length;
        for (int s = 0; s < LOG_SNRS.length; s++) {
            float[] out = new float[m * d];
            e.predictEps(Arrays.copyOfRange(c.x(), s * m * d, (s + 1) * m * d),
                    Arrays.copyOfRange(c.logSnr(), s * m, (s + 1) * m),
                    c.labels() == null ? null : Arrays.copyOfRange(c.labels(), s * m, (s + 1) * m), m, out);
            System.arraycopy(out, 0, perLevel, s * m * d, m * d);
        }
        e.forwardForTraining(c.x(), c.logSnr(), c.labels(), n, training);
    }

    @Test
    void parameterGradientsOfTheProbeLossEqualTheEnginesTensorByTensor() throws IOException {
        for (Case c : CASES) {
            MlpDenoiser e = c.engine();
            int n = c.rows();
            withThreads(THREADS, () -> {
                e.forwardForTraining(c.x(), c.logSnr(), c.labels(), n, new float[n * e.dim()]);
                e.backward(c.g());
            });
            Map<String, Tensor> engine = ModelTensors.toTensors(e.spec(), e.gradients(), "grad.");
            Map<String, Tensor> torch = twin.outputs(c.name());
            assertThat(torch.keySet().stream().filter(k -> k.startsWith("grad.")))
                    .as(c.name() + ": the twin's parameters are the engine's tensors")
                    .containsExactlyInAnyOrderElementsOf(engine.keySet());
            for (Map.Entry<String, Tensor> t : engine.entrySet()) {
                check(c.name() + " " + t.getKey(), t.getValue(), torch.get(t.getKey()), GRADIENT_TOLERANCE);
            }
        }
    }

    /** The model section of a manifest, as the engine writes it. */
    static Map<String, Object> specJson(MlpSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", s.kind());
        m.put("dim", s.dim());
        m.put("width", s.width());
        m.put("depth", s.depth());
        m.put("activation", s.activation().name().toLowerCase(Locale.ROOT));
        m.put("inputFrequencies", s.inputFrequencies());
        m.put("inputScale", s.inputScale());
        m.put("noiseFrequencies", s.noiseFrequencies());
        m.put("noiseScale", s.noiseScale());
        m.put("classCount", s.classCount());
        m.put("parameterCount", s.parameterCount());
        return m;
    }

    /**
     * Asserts equal shapes and {@code max|engine - twin| <= tolerance * max|engine|} (a floor of 1e-3 for the scale
     * keeps an all-but-zero tensor from demanding exact equality); prints the measured maximum absolute and relative
     * (to {@code max|engine|}) differences.
     */
    static void check(String what, Tensor engine, @Nullable Tensor twinValue, double tolerance) {
        assertThat(twinValue).as(what + ": the twin returned it").isNotNull();
        assertThat(twinValue.shape()).as(what + " shape").containsExactly(engine.shape());
        double maxAbs = 0;
        double scale = 0;
        float[] a = engine.data();
        float[] b = twinValue.data();
        for (int i = 0; i < a.length; i++) {
            assertThat(Float.isFinite(a[i]) && Float.isFinite(b[i])).as(what + " finite at " + i).isTrue();
            maxAbs = Math.max(maxAbs, Math.abs((double) a[i] - b[i]));
            scale = Math.max(scale, Math.abs(a[i]));
        }
        System.out.printf(Locale.ROOT, "parity %-60s max abs %.3e  rel %.3e  (max |engine| %.3e)%n", what, maxAbs,
                scale == 0 ? 0 : maxAbs / scale, scale);
        assertThat(maxAbs).as(what + ": max |engine - twin| (max |engine| " + scale + ")")
                .isLessThanOrEqualTo(tolerance * Math.max(1e-3, scale));
    }

    /** The engine's kernel threads in these tests: at least two, so the multi-threaded paths are compared. */
    static final int THREADS = Math.max(2, Parallelism.threads());

    /** Runs {@code work} with the engine's kernels on {@code threads} threads, then restores the setting. */
    static void withThreads(int threads, Runnable work) {
        int saved = Parallelism.threads();
        Parallelism.setThreads(threads);
        try {
            work.run();
        } finally {
            Parallelism.setThreads(saved);
        }
    }

    /** The points of a regular grid of {@code k^dim} points in {@code [lo, hi]^dim}, row-major. */
    static float[] grid(int dim, int k, float lo, float hi) {
        int m = (int) Math.pow(k, dim);
        float[] x = new float[m * dim];
        for (int i = 0; i < m; i++) {
            int r = i;
            for (int j = 0; j < dim; j++) {
                x[i * dim + j] = lo + (hi - lo) * (r % k) / (k - 1);
                r /= k;
            }
        }
        return x;
    }

    /** Standard normal values from a fixed seed. */
    static float[] gaussian(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            double v = rng.nextDouble();
            g[i] = (float) (Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v));
        }
        return g;
    }

    static float[] floats(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = v[i];
        }
        return f;
    }
}
