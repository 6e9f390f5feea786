package org.noiselab.engine.twin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.model.GuidedDenoiser;
import org.noiselab.engine.sample.DiffusionProblem;
import org.noiselab.engine.sample.SamplerSpec;
import org.noiselab.engine.sample.Samplers;
import org.noiselab.engine.sample.SamplingListener;
import org.noiselab.engine.sample.SamplingRequest;
import org.noiselab.engine.sample.SamplingStep;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.engine.schedule.ScheduleSpec;
import org.noiselab.engine.testing.TorchTwin;

/**
 * The twin's DDPM and DDIM samplers ({@code noiselab_torch.sample}) walk the engine's trajectories step by step: with
 * the same start and the same noise, every intermediate state agrees, for the full 1000 steps and respaced step counts,
 * deterministic and noisy DDIM, unconditional, conditional and with classifier-free guidance.
 *
 * <p>The same noise: the engine draws the start and each step's noise from {@code new SplittableRandom(seed)}, the
 * start as {@code n * dim} floats, then {@code n * dim} doubles in row-major order on every step whose noise standard
 * deviation is positive (all but the last for DDPM and DDIM with {@code eta > 0}; none for {@code eta = 0}). The test
 * replays that stream (the replayed start must equal the start the engine's listener sees, bit for bit) and hands the
 * draws to the twin as float64, which draws in the same order from a tape that must run out exactly at the end.
 *
 * <p>Two eps functions: a closed form both sides compute alike in float64 (the exact denoiser of Gaussian classes),
 * where the samplers' own arithmetic is compared; and the shipped dino and Datasaurus MLP denoisers (EMA weights) with
 * their twin ({@code noiselab_torch.models.mlp}), where the networks' float32 summation order adds its round-off.
 */
class SamplerTwinParityTest {

    /** Closed form: the same float64 expressions on the same float32 states and float64 noise, so the trajectories
     *  agree bit for bit here; a few float32 ulps of states up to ~5 are allowed for libm's exp against Java's. */
    static final double CLOSED_FORM_ABSOLUTE = 2e-6;

    /** The MLP denoisers: float32 round-off of the network (summation order, ~1e-6 relative per call), carried
     *  through up to 1000 steps and amplified by (1 + w) under guidance; measured up to 2.1e-5. */
    static final double MODEL_ABSOLUTE = 1e-4;

    static final NoiseSchedule SCHEDULE = NoiseSchedule.create(ScheduleSpec.parse("linear", 1000));
    static final int N = 8;

    /** One trajectory: the eps function, the sampler, labels or none, the guidance weight. */
    record Case(String name, String eps, SamplerSpec sampler, int @Nullable [] labels, double guidance, long seed) {
    }

    static final int[] GAUSS_LABELS = {0, 1, 2, 0, 1, 2, 3, 0};
    static final int[] SAURUS_LABELS = {0, 3, 5, 7, 12, 13, 9, 1};

    static final List<Case> CASES = List.of(
            new Case("gauss-ddpm-full", "gauss", new SamplerSpec.Ddpm(1000), null, 0, 11),
            new Case("gauss-ddpm-37", "gauss", new SamplerSpec.Ddpm(37), GAUSS_LABELS, 0, 12),
            new Case("gauss-ddim-50", "gauss", new SamplerSpec.Ddim(50, 0), GAUSS_LABELS, 0, 13),
            new Case("gauss-ddim-eta-guided", "gauss", new SamplerSpec.Ddim(100, 1), GAUSS_LABELS, 2, 14),
            new Case("gauss-ddpm-guided", "gauss", new SamplerSpec.Ddpm(250), GAUSS_LABELS, 4, 15),
            new Case("dino-ddpm-full", "dino-ddpm", new SamplerSpec.Ddpm(1000), null, 0, 21),
            new Case("dino-ddpm-37", "dino-ddpm", new SamplerSpec.Ddpm(37), null, 0, 22),
            new Case("dino-ddim-50", "dino-ddpm", new SamplerSpec.Ddim(50, 0), null, 0, 23),
            new Case("saurus-ddim-guided", "datasaurus-conditional-ddpm", new SamplerSpec.Ddim(40, 0.5),
                    SAURUS_LABELS, 3, 31),
            new Case("saurus-ddpm-guided", "datasaurus-conditional-ddpm", new SamplerSpec.Ddpm(250), SAURUS_LABELS,
                    1.5, 32),
            new Case("saurus-ddim-conditional", "datasaurus-conditional-ddpm", new SamplerSpec.Ddim(20, 0),
                    SAURUS_LABELS, 0, 33));

    /** Class means (rows 0..2, row 3 the null class) and variances of the closed-form denoiser. */
    static final float[][] MEANS = {{1.5f, -0.5f}, {-2f, 1f}, {0.25f, 3f}, {0f, 0.5f}};
    static final float[] VARIANCES = {0.04f, 0.25f, 0.01f, 4f};

    @TempDir
    static Path dir;
    static TorchTwin twin;
    static final Map<String, List<float[]>> ENGINE = new LinkedHashMap<>();
    static final Map<String, Denoiser> DENOISERS = new LinkedHashMap<>();

    @BeforeAll
    static void sampleOnBothSides() throws Exception {
        twin = new TorchTwin(dir);
        Map<String, Object> gaussEps = Map.of("kind", "gaussian-classes", "file", twin.write("gauss.safetensors",
                Map.of("means", new Tensor(new long[] {MEANS.length, 2}, flatten(MEANS)),
                        "variances", new Tensor(new long[] {VARIANCES.length, 1}, VARIANCES))));
        Map<String, Map<String, Object>> epsSpecs = new LinkedHashMap<>();
        epsSpecs.put("gauss", gaussEps);
        DENOISERS.put("gauss", new GaussianClasses());
        for (String name : List.of("dino-ddpm", "datasaurus-conditional-ddpm")) {
            epsSpecs.put(name, shippedModel(name));
        }
        Map<String, Object> schedule = ScheduleTwinParityTest.section(SCHEDULE.spec());
        for (Case c : CASES) {
            Denoiser d = DENOISERS.get(c.eps());
            Denoiser eps = c.guidance() > 0 ? new GuidedDenoiser(d, c.guidance()) : d;
            List<float[]> states = new ArrayList<>();
            SamplingListener record = new SamplingListener() {
                @Override
                public void onStart(SamplingStep initial) {
                    states.add(initial.points());
                }

                @Override
                public void onStep(SamplingStep step) {
                    states.add(step.points());
                }
            };
            Samplers.create(c.sampler()).sample(new DiffusionProblem(eps, SCHEDULE),
                    new SamplingRequest(N, c.seed(), c.labels()), record);
            ENGINE.put(c.name(), states);

            SplittableRandom replay = new SplittableRandom(c.seed());
            float[] start = new float[N * 2];
            for (int i = 0; i < start.length; i++) {
                start[i] = (float) replay.nextGaussian();
            }
            assertThat(start).as(c.name() + ": the replayed start is the engine's").containsExactly(states.get(0));
            int noisySteps = noisy(c.sampler()) ? c.sampler().steps() - 1 : 0;
            ByteBuffer noise = ByteBuffer.allocate(8 * noisySteps * N * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < noisySteps * N * 2; i++) {
                noise.putDouble(replay.nextGaussian());
            }
            Files.write(dir.resolve(c.name() + ".noise.f64"), noise.array());
            Map<String, Tensor> startTensors = new LinkedHashMap<>();
            startTensors.put("x", new Tensor(new long[] {N, 2}, start));
            if (c.labels() != null) {
                float[] l = new float[N];
                for (int i = 0; i < N; i++) {
                    l[i] = c.labels()[i];
                }
                startTensors.put("labels", Tensor.vector(l));
            }
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("start", twin.write(c.name() + ".start.safetensors", startTensors));
            args.put("noise", c.name() + ".noise.f64");
            args.put("eps", epsSpecs.get(c.eps()));
            args.put("schedule", schedule);
            args.put("sampler", Map.of("kind", c.sampler().kind(), "steps", c.sampler().steps(),
                    "eta", c.sampler() instanceof SamplerSpec.Ddim ddim ? ddim.eta() : 1.0));
            args.put("guidance", c.guidance());
            args.put("nullClass", d.nullClass());
            twin.add(c.name(), "sampling.trajectory", args);
        }
        twin.run();
    }

    static boolean noisy(SamplerSpec spec) {
        return !(spec instanceof SamplerSpec.Ddim ddim) || ddim.eta() > 0;
    }

    /** A shipped checkpoint's EMA denoiser for the engine, and its manifest's model section and weights for the twin. */
    static Map<String, Object> shippedModel(String name) throws IOException {
        String base = "/org/noiselab/assets/checkpoints/" + name;
        Checkpoint k;
        try (InputStream in = SamplerTwinParityTest.class.getResourceAsStream(base + ".nlab")) {
            k = CheckpointIO.load(in, name);
        }
        assertThat(k.setup().schedule()).isEqualTo(SCHEDULE.spec());
        DENOISERS.put(name, k.emaDenoiser());
        Object model;
        try (InputStream in = SamplerTwinParityTest.class.getResourceAsStream(base + ".manifest.json")) {
            model = new ObjectMapper().readValue(in, Map.class).get("model");
        }
        String weights = twin.write(name + ".ema.safetensors",
                ModelTensors.toTensors(k.setup().model(), k.state().emaParameters(), ""));
        return Map.of("kind", "model", "model", model, "weights", weights);
    }

    @Test
    void everyStateOfEveryTrajectoryAgrees() throws IOException {
        for (Case c : CASES) {
            List<float[]> engine = ENGINE.get(c.name());
            Tensor states = twin.outputs(c.name()).get("states");
            int k = c.sampler().steps();
            assertThat(states.shape()).as(c.name()).containsExactly(k + 1, N, 2);
            assertThat(engine).as(c.name()).hasSize(k + 1);
            double tolerance = c.eps().equals("gauss") ? CLOSED_FORM_ABSOLUTE : MODEL_ABSOLUTE;
            double worst = 0;
            int worstStep = 0;
            double scale = 0;
            for (int s = 0; s <= k; s++) {
                float[] e = engine.get(s);
                for (int i = 0; i < e.length; i++) {
                    float t = states.data()[s * N * 2 + i];
                    double diff = Math.abs(t - e[i]);
                    assertThat(diff).as("%s: state %d of %d, value %d: engine %s, twin %s", c.name(), s, k, i, e[i], t)
                            .isLessThanOrEqualTo(tolerance);
                    if (diff > worst) {
                        worst = diff;
                        worstStep = s;
                    }
                    scale = Math.max(scale, Math.abs(e[i]));
                }
            }
            System.out.printf("%s: largest difference %.3g (state %d of %d; largest |x| %.3g)%n", c.name(), worst,
                    worstStep, k, scale);
        }
    }

    @Test
    void theCasesAreWhatTheySay() {
        // guided rows and rows already at the null class (passed through unguided) in both conditional sets
        assertThat(GAUSS_LABELS).contains(DENOISERS.get("gauss").nullClass()).contains(0, 1, 2);
        assertThat(SAURUS_LABELS).contains(DENOISERS.get("datasaurus-conditional-ddpm").nullClass());
        // the closed-form runs are real sampling: deterministic DDIM lands each point near its class mean
        float[] x = ENGINE.get("gauss-ddim-50").get(50);
        for (int i = 0; i < N; i++) {
            float[] mu = MEANS[GAUSS_LABELS[i]];
            double r = Math.hypot(x[2 * i] - mu[0], x[2 * i + 1] - mu[1]);
            assertThat(r).as("sample %d", i).isLessThan(5 * Math.sqrt(VARIANCES[GAUSS_LABELS[i]]));
        }
    }

    static float[] flatten(float[][] rows) {
        float[] f = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, f, i * rows[0].length, rows[0].length);
        }
        return f;
    }

    /**
     * The exact denoiser of data {@code x_0 | c ~ N(mu_c, s_c^2 I)}: {@code eps_hat = sqrt(1 - abar) (x - sqrt(abar)
     * mu_c) / (abar s_c^2 + 1 - abar)}, in float64 from the float32 inputs; no labels means the null class (last row).
     * The twin computes the same expression ({@code parity_ops.sampling.gaussian_classes_eps}).
     */
    static final class GaussianClasses implements Denoiser {
        @Override
        public int dim() {
            return 2;
        }

        @Override
        public int classCount() {
            return MEANS.length - 1;
        }

        @Override
        public void predictEps(float[] x, float[] logSnr, int @Nullable [] labels, int n, float[] out) {
            for (int i = 0; i < n; i++) {
                int c = labels == null ? classCount() : labels[i];
                double abar = NoiseSchedule.alphaBarOfLogSnr(logSnr[i]);
                double sigma = Math.sqrt(1 - abar);
                double sqrtAbar = Math.sqrt(abar);
                double denominator = abar * VARIANCES[c] + (1 - abar);
                for (int j = 0; j < 2; j++) {
                    out[i * 2 + j] = (float) (sigma * (x[i * 2 + j] - sqrtAbar * MEANS[c][j]) / denominator);
                }
            }
        }
    }
}
