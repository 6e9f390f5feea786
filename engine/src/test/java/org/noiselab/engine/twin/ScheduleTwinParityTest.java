package org.noiselab.engine.twin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.io.Tensor;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.engine.schedule.ScheduleSpec;
import org.noiselab.engine.testing.TorchTwin;

/**
 * The twin's schedules ({@code noiselab_torch.schedule}) hold the engine's tables: for every kind a manifest's
 * {@code schedule} section can name (linear, cosine, uniform; defaults, other fields, the shortest T = 1 and a
 * cosine whose last beta is clipped), {@code abar}, {@code beta}, the log-SNR, {@code sigma} and the posterior
 * variance at every step {@code t = 0..T+1} agree to float64 round-off, and the float32 log-SNRs the models are fed
 * are the same floats.
 */
class ScheduleTwinParityTest {

    /** float64 round-off of values of order 1 (abar, beta, posterior variance): the twin builds each table in the
     *  engine's order of operations (bit for bit for linear and uniform); libm's cos may differ from Java's by an ulp. */
    static final double ABSOLUTE = 1e-15;

    /** sigma and the log-SNR: an ulp of abar, amplified by 1 / (2 sigma) and 1 / (abar (1 - abar)) near the ends. */
    static final double ABSOLUTE_AMPLIFIED = 1e-13;

    static final Map<String, ScheduleSpec> SPECS = new LinkedHashMap<>();

    static {
        SPECS.put("linear-default", ScheduleSpec.parse("linear", 1000));
        SPECS.put("linear-custom", new ScheduleSpec.LinearBeta(37, 3e-4, 0.05));
        SPECS.put("linear-one-step", new ScheduleSpec.LinearBeta(1, 0.01, 0.01));
        SPECS.put("cosine-default", ScheduleSpec.parse("cosine", 1000));
        SPECS.put("cosine-clipped", new ScheduleSpec.Cosine(50, 0));
        SPECS.put("uniform-default", ScheduleSpec.parse("uniform", 1000));
        SPECS.put("uniform-one-step", new ScheduleSpec.Uniform(1));
    }

    @TempDir
    static Path dir;
    static TorchTwin twin;

    @BeforeAll
    static void computeEveryTableInTheTwin() throws Exception {
        twin = new TorchTwin(dir);
        for (Map.Entry<String, ScheduleSpec> e : SPECS.entrySet()) {
            twin.add(e.getKey(), "sampling.schedule_tables", Map.of("schedule", section(e.getValue())));
        }
        try (InputStream in = ScheduleTwinParityTest.class.getResourceAsStream(
                "/org/noiselab/assets/checkpoints/dino-ddpm.manifest.json")) {
            Object shipped = new ObjectMapper().readValue(in, Map.class).get("schedule");
            twin.add("shipped", "sampling.schedule_tables", Map.of("schedule", shipped));
        }
        twin.run();
    }

    /** The manifest's {@code schedule} section, with the fields the engine writes for each kind. */
    static Map<String, Object> section(ScheduleSpec spec) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("kind", spec.kind());
        s.put("steps", spec.steps());
        if (spec instanceof ScheduleSpec.LinearBeta lin) {
            s.put("betaStart", lin.betaStart());
            s.put("betaEnd", lin.betaEnd());
        } else if (spec instanceof ScheduleSpec.Cosine cos) {
            s.put("offset", cos.offset());
        }
        return s;
    }

    @Test
    void everyTableAgreesAtEveryStepToFloat64RoundOff() throws Exception {
        double worst = 0;
        Map<String, ScheduleSpec> all = new LinkedHashMap<>(SPECS);
        all.put("shipped", ScheduleSpec.parse("linear", 1000));
        for (Map.Entry<String, ScheduleSpec> e : all.entrySet()) {
            NoiseSchedule s = NoiseSchedule.create(e.getValue());
            Map<String, Tensor> out = twin.outputs(e.getKey());
            int last = s.steps() + 1;
            double[] abar = new double[last + 1];
            double[] beta = new double[last + 1];
            double[] logSnr = new double[last + 1];
            double[] sigma = new double[last + 1];
            double[] posterior = new double[last + 1];
            for (int t = 0; t <= last; t++) {
                boolean interior = t >= 1 && t <= s.steps();
                abar[t] = s.alphaBar(t);
                beta[t] = interior ? s.beta(t) : Double.NaN;
                logSnr[t] = s.logSnr(t);
                sigma[t] = s.sigma(t);
                posterior[t] = interior ? s.posteriorVariance(t) : Double.NaN;
            }
            worst = Math.max(worst, compare(e.getKey() + " abar", abar, out, "alphaBar", ABSOLUTE));
            worst = Math.max(worst, compare(e.getKey() + " beta", beta, out, "beta", ABSOLUTE));
            worst = Math.max(worst, compare(e.getKey() + " logSnr", logSnr, out, "logSnr", ABSOLUTE_AMPLIFIED));
            worst = Math.max(worst, compare(e.getKey() + " sigma", sigma, out, "sigma", ABSOLUTE_AMPLIFIED));
            worst = Math.max(worst, compare(e.getKey() + " posterior", posterior, out, "posteriorVariance", ABSOLUTE));
            float[] fed = out.get("logSnr.f32").data();
            for (int t = 0; t <= last; t++) {
                assertThat(fed[t]).as("%s float32 log-SNR at t = %d", e.getKey(), t).isEqualTo((float) logSnr[t]);
            }
        }
        System.out.printf("schedule tables: largest difference %.3g%n", worst);
    }

    @Test
    void theCosineScheduleClipsItsLastBeta() {
        NoiseSchedule s = NoiseSchedule.create(SPECS.get("cosine-clipped"));
        assertThat(s.beta(s.steps())).isEqualTo(0.999, org.assertj.core.api.Assertions.within(1e-12));
    }

    /** The largest difference between the engine's doubles and the twin's {@code hi + mid + lo}. */
    static double compare(String what, double[] expected, Map<String, Tensor> out, String name, double tolerance) {
        float[] hi = out.get(name + ".hi").data();
        float[] mid = out.get(name + ".mid").data();
        float[] lo = out.get(name + ".lo").data();
        assertThat(hi).as(what + " length").hasSize(expected.length);
        double worst = 0;
        for (int t = 0; t < expected.length; t++) {
            double twin = (double) hi[t] + mid[t] + lo[t];
            if (!Double.isFinite(expected[t])) {
                assertThat(Double.compare(twin, expected[t])).as("%s at t = %d: engine %s, twin %s", what, t, expected[t], twin)
                        .isZero();
                continue;
            }
            double difference = Math.abs(twin - expected[t]);
            assertThat(difference).as("%s at t = %d: engine %s, twin %s", what, t, expected[t], twin)
                    .isLessThanOrEqualTo(tolerance);
            worst = Math.max(worst, difference);
        }
        return worst;
    }
}
