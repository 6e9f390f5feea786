package org.noiselab.engine.twin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.io.Tensor;
import org.noiselab.engine.optim.AdamW;
import org.noiselab.engine.optim.AdamWSpec;
import org.noiselab.engine.optim.ExponentialMovingAverage;
import org.noiselab.engine.optim.LearningRateSchedule;
import org.noiselab.engine.testing.TorchTwin;

/**
 * The twin's optimiser ({@code noiselab_torch.optim}) takes the engine's steps: from the same parameters, moments,
 * EMA and step count and the same gradients, a few training steps applied as the engine's training session applies
 * them (the rate of step {@code k} from the learning-rate schedule, AdamW with global-norm clipping and decoupled
 * weight decay, then the EMA with its warm-up) give the same parameters, moments and EMA after every step; a gradient
 * with a NaN or an infinity changes nothing. The learning-rate schedules agree at every step.
 *
 * <p>Both sides do the update in float32 in the same order of operations, and the norm in float64 in index order,
 * so the expected difference is none: the tolerance is one float32 ulp of the value, for a constant such as
 * {@code lr / (1 - b1^k)} that Java's {@code Math.pow} and libm's {@code pow} could round to neighbouring floats.
 */
class OptimiserTwinParityTest {

    /** Float32 ulps allowed per value (see the class comment); the measured difference is printed. */
    static final float ULPS = 1;

    /** The learning rates: float64 round-off of values at most the peak (libm's cos against Java's). */
    static final double RATE_ABSOLUTE = 1e-17;

    static final int P = 257;

    record Case(String name, AdamWSpec spec, LearningRateSchedule rates, int totalSteps, double emaDecay, int step,
                boolean resumed, float[][] grads) {
    }

    static final List<Case> CASES = List.of(
            // a fresh run: warm-up from 0, the first steps clipped (norms far above 1)
            new Case("fresh-clipped", AdamWSpec.DEFAULT, new LearningRateSchedule(1e-3, 3, true, 0.05), 8, 0.999, 0,
                    false, gradients(1, 5, 2.0)),
            // resumed mid-run into the cosine decay, weight decay on, clipping off, the last steps past the total
            new Case("resumed-decay", new AdamWSpec(0.8, 0.99, 1e-6, 0.01, 0), new LearningRateSchedule(2e-2, 10,
                    true, 0.1), 40, 0.99, 37, true, gradients(2, 5, 0.5)),
            // resumed, norms below the clip, a constant rate, a zero gradient
            new Case("resumed-below-clip", AdamWSpec.DEFAULT.withClipNorm(5), LearningRateSchedule.constant(3e-3),
                    1000, 0.9999, 1234, true, withZero(gradients(3, 3, 0.05), 1)),
            // NaN and infinity skipped between good steps
            new Case("non-finite-skipped", AdamWSpec.DEFAULT.withWeightDecay(0.1), new LearningRateSchedule(1e-2, 2,
                    false, 1), 10, 0.999, 4, true, withBad(gradients(4, 5, 1.0))));

    @TempDir
    static Path dir;
    static TorchTwin twin;

    @BeforeAll
    static void stepInTheTwin() throws Exception {
        twin = new TorchTwin(dir);
        for (Case c : CASES) {
            float[][] s = startState(c);
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            inputs.put("params", Tensor.vector(s[0]));
            inputs.put("m", Tensor.vector(s[1]));
            inputs.put("v", Tensor.vector(s[2]));
            inputs.put("ema", Tensor.vector(s[3]));
            inputs.put("grads", new Tensor(new long[] {c.grads().length, P}, flatten(c.grads())));
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("state", twin.write(c.name() + ".in.safetensors", inputs));
            args.put("optimizer", optimizerSection(c.spec()));
            args.put("learningRate", rateSection(c.rates()));
            args.put("totalSteps", c.totalSteps());
            args.put("emaDecay", c.emaDecay());
            args.put("step", c.step());
            twin.add(c.name(), "optim.adamw_steps", args);
            twin.add(c.name() + "-rates", "optim.learning_rates", Map.of("schedule", rateSection(c.rates()),
                    "total", c.totalSteps()));
        }
        twin.run();
    }

    @Test
    void everyStepGivesTheEnginesParametersMomentsAndEma() throws Exception {
        float worst = 0;
        for (Case c : CASES) {
            float[][] s = startState(c);
            float[] params = s[0];
            AdamW opt = c.resumed() ? new AdamW(c.spec(), s[1], s[2], c.step()) : new AdamW(c.spec(), P);
            ExponentialMovingAverage ema = new ExponentialMovingAverage(c.emaDecay(), s[3], c.step());
            Map<String, Tensor> out = twin.outputs(c.name());
            for (int k = 0; k < c.grads().length; k++) {
                // the training session's order: the rate of the next step, AdamW, then the EMA of a finite step
                double lr = c.rates().rate(opt.steps() + 1, c.totalSteps());
                double norm = opt.step(params, c.grads()[k], lr);
                if (Double.isFinite(norm)) {
                    ema.update(params);
                }
                String at = c.name() + " step " + (k + 1);
                assertThat(out.get("steps").data()[k]).as(at + " count").isEqualTo(opt.steps());
                assertThat(triple(out, "rate", k)).as(at + " rate").isEqualTo(lr);
                assertThat(Double.compare(triple(out, "norm", k), norm)).as(at + " norm " + norm).isZero();
                worst = Math.max(worst, compare(at + " params", params, row(out, "params", k)));
                worst = Math.max(worst, compare(at + " m", opt.firstMoment(), row(out, "m", k)));
                worst = Math.max(worst, compare(at + " v", opt.secondMoment(), row(out, "v", k)));
                worst = Math.max(worst, compare(at + " ema", ema.average(), row(out, "ema", k)));
            }
        }
        System.out.printf("optimiser: largest difference %.3g float32 ulps%n", worst);
    }

    @Test
    void theCasesClipSkipAndDecayWhereTheySay() {
        Case clipped = CASES.get(0);
        assertThat(norm(clipped.grads()[0])).isGreaterThan(clipped.spec().clipNorm());
        Case below = CASES.get(2);
        for (float[] g : below.grads()) {
            assertThat(norm(g)).isLessThan(below.spec().clipNorm());
        }
        Case resumed = CASES.get(1);
        assertThat(resumed.step() + resumed.grads().length).isGreaterThan(resumed.totalSteps());
        assertThat(resumed.rates().rate(resumed.step() + 1, resumed.totalSteps()))
                .isLessThan(resumed.rates().peak());
        Case skipped = CASES.get(3);
        assertThat(norm(skipped.grads()[1])).isNaN();
        assertThat(norm(skipped.grads()[3])).isInfinite();
    }

    @Test
    void theLearningRateAgreesAtEveryStep() throws Exception {
        for (Case c : CASES) {
            Map<String, Tensor> out = twin.outputs(c.name() + "-rates");
            for (int k = 0; k <= c.totalSteps() + 2; k++) {
                assertThat(triple(out, "rate", k)).as("%s rate at %d", c.name(), k)
                        .isCloseTo(c.rates().rate(k, c.totalSteps()), org.assertj.core.api.Assertions.within(
                                RATE_ABSOLUTE));
            }
        }
    }

    /** params, m, v (v >= 0) and EMA at the case's start; a fresh run starts with zero moments and EMA = params. */
    static float[][] startState(Case c) {
        SplittableRandom r = new SplittableRandom(c.name().hashCode());
        float[] p = new float[P];
        float[] m = new float[P];
        float[] v = new float[P];
        float[] ema = new float[P];
        for (int i = 0; i < P; i++) {
            p[i] = (float) r.nextGaussian();
            if (c.resumed()) {
                m[i] = (float) (0.01 * r.nextGaussian());
                v[i] = (float) (1e-4 * Math.abs(r.nextGaussian()));
                ema[i] = p[i] + (float) (0.01 * r.nextGaussian());
            } else {
                ema[i] = p[i];
            }
        }
        return new float[][] {p, m, v, ema};
    }

    static float[][] gradients(long seed, int steps, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] g = new float[steps][P];
        for (float[] row : g) {
            for (int i = 0; i < P; i++) {
                row[i] = (float) (scale * r.nextGaussian());
            }
        }
        return g;
    }

    static float[][] withZero(float[][] g, int row) {
        Arrays.fill(g[row], 0);
        return g;
    }

    static float[][] withBad(float[][] g) {
        g[1][7] = Float.NaN;
        g[3][100] = Float.POSITIVE_INFINITY;
        return g;
    }

    static double norm(float[] g) {
        double s = 0;
        for (float x : g) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    static Map<String, Object> optimizerSection(AdamWSpec s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("kind", "adamw");
        o.put("beta1", s.beta1());
        o.put("beta2", s.beta2());
        o.put("epsilon", s.epsilon());
        o.put("weightDecay", s.weightDecay());
        o.put("clipNorm", s.clipNorm());
        return o;
    }

    static Map<String, Object> rateSection(LearningRateSchedule s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("peak", s.peak());
        o.put("warmupSteps", s.warmupSteps());
        o.put("cosine", s.cosine());
        o.put("finalFraction", s.finalFraction());
        return o;
    }

    static float[] flatten(float[][] rows) {
        float[] f = new float[rows.length * P];
        for (int k = 0; k < rows.length; k++) {
            System.arraycopy(rows[k], 0, f, k * P, P);
        }
        return f;
    }

    static float[] row(Map<String, Tensor> out, String name, int k) {
        return Arrays.copyOfRange(out.get(name).data(), k * P, (k + 1) * P);
    }

    /** The float64 the twin sent as three floats. */
    static double triple(Map<String, Tensor> out, String name, int k) {
        return (double) out.get(name + ".hi").data()[k] + out.get(name + ".mid").data()[k]
                + out.get(name + ".lo").data()[k];
    }

    /** The largest difference in float32 ulps of the engine's value; fails above {@link #ULPS}. */
    static float compare(String what, float[] engine, float[] twin) {
        assertThat(twin).as(what).hasSize(engine.length);
        float worst = 0;
        for (int i = 0; i < engine.length; i++) {
            float ulps = Math.abs(twin[i] - engine[i]) / Math.ulp(engine[i]);
            assertThat(ulps).as("%s[%d]: engine %s, twin %s", what, i, engine[i], twin[i]).isLessThanOrEqualTo(ULPS);
            worst = Math.max(worst, ulps);
        }
        return worst;
    }
}
