package org.noiselab.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.noiselab.engine.metric.Mmd;
import org.noiselab.engine.model.OracleDenoiser;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;

/**
 * Every sampler driven by the exact denoiser must reproduce the data distribution: the MMD of 2000 samples against
 * 2000 data draws stays at the level of two data draws against each other (measured with these seeds: up to 0.0011
 * in 1D with bandwidth 1, up to 0.0008 on dino with the reference bandwidth 0.03), while a shifted copy of the same
 * samples is rejected.
 */
class OracleSamplerTest {

    private static final int N = 2000;
    private static final NoiseSchedule SCHEDULE = NoiseSchedule.linear(1000);

    static Stream<Arguments> cases() {
        SamplerSpec[] specs = {new SamplerSpec.Ddpm(100), new SamplerSpec.Ddim(100, 0), new SamplerSpec.Ddim(100, 0.5),
            new SamplerSpec.DpmSolver2(50), new SamplerSpec.Heun(25), new SamplerSpec.Euler(100), new SamplerSpec.Langevin(100, 10, 0.16)};
        return Stream.of(ToyDatasets.GAUSS_1D, ToyDatasets.DINO)
                .flatMap(name -> Stream.of(specs).map(spec -> Arguments.of(name, spec)));
    }

    /** MMD bandwidth: the reference's 0.03 in 2D; the 1D modes have unit width, so 1.0 there. */
    static double bandwidth(ToyDataset d) {
        return d.dim() == 1 ? 1.0 : Mmd.DEFAULT_BANDWIDTH;
    }

    /** Acceptance threshold: about twice the largest data-vs-data MMD seen for these seeds. */
    static double threshold(ToyDataset d) {
        return d.dim() == 1 ? 0.0025 : 0.0015;
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void oracleSamplesMatchTheDataAndAShiftIsRejected(String name, SamplerSpec spec) {
        ToyDataset d = ToyDatasets.byName(name);
        float[] data = d.sample(N, 1).pointsAsFloats();
        SampleResult r = Samplers.create(spec).sample(new DiffusionProblem(new OracleDenoiser(d), SCHEDULE),
                SamplingRequest.of(N, 9));
        double mmd = Mmd.mmd(r.points(), N, data, N, d.dim(), bandwidth(d));
        assertThat(mmd).as("MMD of %s samples", spec).isLessThan(threshold(d));

        float[] shifted = r.points().clone();
        for (int i = 0; i < shifted.length; i += d.dim()) {
            shifted[i] += d.dim() == 1 ? 0.3f : 0.1f;
        }
        assertThat(Mmd.mmd(shifted, N, data, N, d.dim(), bandwidth(d))).isGreaterThan(threshold(d));
    }

    @Test
    void dataAgainstDataStaysBelowTheThreshold() {
        for (String name : new String[] {ToyDatasets.GAUSS_1D, ToyDatasets.DINO}) {
            ToyDataset d = ToyDatasets.byName(name);
            float[] data = d.sample(N, 1).pointsAsFloats();
            for (long seed = 2; seed < 6; seed++) {
                double mmd = Mmd.mmd(d.sample(N, seed).pointsAsFloats(), N, data, N, d.dim(), bandwidth(d));
                assertThat(mmd).isLessThan(threshold(d) / 1.3);
            }
        }
    }

    @Test
    void wrongModeWeightsAreRejectedIn1D() {
        ToyDataset d = ToyDatasets.byName(ToyDatasets.GAUSS_1D);
        float[] data = d.sample(N, 1).pointsAsFloats();
        float[] skewed = d.sample(N, 2).pointsAsFloats();
        // move 15% of the points from the left mode to the right one: weights 0.35 / 0.65
        int moved = 0;
        for (int i = 0; i < N && moved < 0.15 * N; i++) {
            if (skewed[i] < 0) {
                skewed[i] += 10;
                moved++;
            }
        }
        assertThat(Mmd.mmd(skewed, N, data, N, 1, bandwidth(d))).isGreaterThan(threshold(d));
    }

    @Test
    void ddimWithEtaOneIsTheDdpmSampler() {
        ToyDataset d = ToyDatasets.byName(ToyDatasets.DINO);
        DiffusionProblem p = new DiffusionProblem(new OracleDenoiser(d), SCHEDULE);
        float[] ddpm = Samplers.create(new SamplerSpec.Ddpm(50)).sample(p, SamplingRequest.of(200, 4)).points();
        float[] ddim = Samplers.create(new SamplerSpec.Ddim(50, 1.0)).sample(p, SamplingRequest.of(200, 4)).points();
        for (int i = 0; i < ddpm.length; i++) {
            assertThat(ddim[i]).isCloseTo(ddpm[i], within(2e-4f));
        }
    }

    @Test
    void samplingIsDeterministicPerSeed() {
        ToyDataset d = ToyDatasets.byName(ToyDatasets.GAUSS_1D);
        DiffusionProblem p = new DiffusionProblem(new OracleDenoiser(d), SCHEDULE);
        for (SamplerSpec spec : new SamplerSpec[] {new SamplerSpec.Ddpm(20), new SamplerSpec.Langevin(10, 2, 0.16)}) {
            Sampler s = Samplers.create(spec);
            assertThat(s.sample(p, SamplingRequest.of(50, 3)).points())
                    .containsExactly(s.sample(p, SamplingRequest.of(50, 3)).points());
            assertThat(s.sample(p, SamplingRequest.of(50, 3)).points())
                    .isNotEqualTo(s.sample(p, SamplingRequest.of(50, 4)).points());
        }
    }

    /**
     * On the smooth 1D mixture the deterministic solvers show their order against a 400-step Heun reference from the
     * same initial noise: halving the step roughly halves the first-order errors (Euler, DDIM) and quarters the
     * second-order ones (Heun, DPM-Solver-2); Heun beats Euler at equal cost.
     */
    @Test
    void deterministicSolversConvergeAtTheirOrderAndHeunBeatsEulerAtEqualCost() {
        ToyDataset d = ToyDatasets.byName(ToyDatasets.GAUSS_1D);
        DiffusionProblem p = new DiffusionProblem(new OracleDenoiser(d), SCHEDULE);
        SamplingRequest req = SamplingRequest.of(300, 21);
        float[] reference = Samplers.create(new SamplerSpec.Heun(400)).sample(p, req).points();
        java.util.function.Function<SamplerSpec, Double> error =
                spec -> rms(Samplers.create(spec).sample(p, req).points(), reference);
        double ddim25 = error.apply(new SamplerSpec.Ddim(25, 0));
        double ddim50 = error.apply(new SamplerSpec.Ddim(50, 0));
        double euler49 = error.apply(new SamplerSpec.Euler(49));
        double euler100 = error.apply(new SamplerSpec.Euler(100));
        double heun25 = error.apply(new SamplerSpec.Heun(25));
        double heun50 = error.apply(new SamplerSpec.Heun(50));
        double dpm25 = error.apply(new SamplerSpec.DpmSolver2(25));
        double dpm50 = error.apply(new SamplerSpec.DpmSolver2(50));
        assertThat(ddim50 / ddim25).isBetween(0.35, 0.65);
        assertThat(euler100 / euler49).isBetween(0.35, 0.65);
        assertThat(heun50 / heun25).isLessThan(0.35);
        assertThat(dpm50 / dpm25).isLessThan(0.35);
        // 25 Heun steps cost 49 evaluations, like 49 Euler steps on the same grid.
        assertThat(heun25).isLessThan(euler49 / 2);
    }

    @Test
    void listenerSeesEveryStepAndCanCancel() {
        ToyDataset d = ToyDatasets.byName(ToyDatasets.GAUSS_1D);
        DiffusionProblem p = new DiffusionProblem(new OracleDenoiser(d), SCHEDULE);
        java.util.List<SamplingStep> steps = new java.util.ArrayList<>();
        SampleResult r = Samplers.create(new SamplerSpec.Ddim(30, 0)).sample(p, SamplingRequest.of(10, 1), steps::add);
        assertThat(steps).hasSize(30);
        assertThat(steps.get(29).points()).containsExactly(r.points());
        assertThat(steps.get(29).alphaBar()).isEqualTo(1.0);
        assertThat(r.evaluations()).isEqualTo(30);

        SamplingListener cancelAtFive = new SamplingListener() {
            int seen;

            @Override
            public void onStep(SamplingStep step) {
                seen++;
            }

            @Override
            public boolean cancelled() {
                return seen >= 5;
            }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> Samplers.create(new SamplerSpec.Ddpm(30)).sample(p, SamplingRequest.of(10, 1), cancelAtFive))
                .isInstanceOf(SamplingCancelledException.class);
    }

    private static double rms(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s / a.length);
    }
}
