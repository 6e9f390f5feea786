package org.noiselab.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.metric.Mmd;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.model.GuidedDenoiser;
import org.noiselab.engine.model.OracleDenoiser;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.toys.GaussianMixture;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;

/**
 * Classifier-free guidance of the exact (oracle) denoiser of the three-class mixture, whose conditional and
 * unconditional densities are known, so the tilted target {@code p(x|c)^(1+w) p(x)^(-w)} is known too (normalised
 * numerically on a grid).
 */
class GuidanceTest {

    private static final NoiseSchedule SCHEDULE = NoiseSchedule.linear(1000);
    private static final ToyDataset THREE = ToyDatasets.byName("three-class");
    private static final int N = 4000;
    private static final double BANDWIDTH = 0.3;

    @Test
    void weightZeroIsPlainConditionalSampling() {
        OracleDenoiser oracle = new OracleDenoiser(THREE);
        SamplingRequest request = SamplingRequest.ofClass(500, 3, 1);
        float[] plain = Samplers.create(new SamplerSpec.Ddim(50, 0)).sample(new DiffusionProblem(oracle, SCHEDULE),
                request).points();
        float[] guided = Samplers.create(new SamplerSpec.Ddim(50, 0)).sample(
                new DiffusionProblem(new GuidedDenoiser(oracle, 0), SCHEDULE), request).points();
        assertThat(guided).containsExactly(plain);
    }

    @Test
    void atTheDataLevelTheGuidedNoiseIsTheTiltedTargetsScore() {
        double w = 2;
        Denoiser guided = new GuidedDenoiser(new OracleDenoiser(THREE), w);
        GaussianMixture conditional = THREE.classMixture(0);
        GaussianMixture full = THREE.mixture();
        int n = 200;
        float[] x = new float[2 * n];
        double[] xd = new double[2 * n];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < 2 * n; i++) {
            xd[i] = rng.nextDouble(-3, 3);
            x[i] = (float) xd[i];
        }
        double abar = 1 - 1e-6;
        float[] lambda = new float[n];
        java.util.Arrays.fill(lambda, (float) NoiseSchedule.logSnrOfAlphaBar(abar));
        int[] labels = new int[n];
        float[] eps = new float[2 * n];
        guided.predictEps(x, lambda, labels, n, eps);
        double[] sc = conditional.score(xd, n);
        double[] s = full.score(xd, n);
        double sigma = Math.sqrt(1 - abar);
        double worst = 0;
        double worstUnguided = 0;
        for (int j = 0; j < 2 * n; j++) {
            double tilted = (1 + w) * sc[j] - w * s[j];
            double score = -eps[j] / sigma;
            worst = Math.max(worst, Math.abs(score - tilted) / (1 + Math.abs(tilted)));
            worstUnguided = Math.max(worstUnguided, Math.abs(sc[j] - tilted) / (1 + Math.abs(tilted)));
        }
        assertThat(worst).as("relative error of the guided score").isLessThan(5e-3);
        assertThat(worstUnguided).as("the unguided score is not the tilted one").isGreaterThan(0.1);
    }

    @Test
    void guidedAnnealedLangevinSamplesTheTiltedTargetAndUnguidedSamplingDoesNot() {
        double w = 3;
        int c = 0;
        float[] target = TiltedTarget.sample(THREE, c, w, N, 11);
        double floor = 0;
        for (long seed = 12; seed < 16; seed++) {
            floor = Math.max(floor, Math.abs(Mmd.mmd(TiltedTarget.sample(THREE, c, w, N, seed), N, target, N, 2,
                    BANDWIDTH)));
        }

        SamplingRequest request = SamplingRequest.ofClass(N, 7, c);
        SamplerSpec langevin = new SamplerSpec.Langevin(100, 20, 0.16);
        float[] guided = Samplers.create(langevin).sample(
                new DiffusionProblem(new GuidedDenoiser(new OracleDenoiser(THREE), w), SCHEDULE), request).points();
        float[] unguided = Samplers.create(langevin).sample(
                new DiffusionProblem(new OracleDenoiser(THREE), SCHEDULE), request).points();
        double mmdGuided = Mmd.mmd(guided, N, target, N, 2, BANDWIDTH);
        double mmdUnguided = Mmd.mmd(unguided, N, target, N, 2, BANDWIDTH);
        double bound = Math.max(2 * floor, 1.5e-4);
        // the reverse process alone follows the tilt of the noised densities, which is not the noised tilted target
        float[] ddpm = Samplers.create(new SamplerSpec.Ddpm(1000)).sample(
                new DiffusionProblem(new GuidedDenoiser(new OracleDenoiser(THREE), w), SCHEDULE), request).points();
        double mmdDdpm = Mmd.mmd(ddpm, N, target, N, 2, BANDWIDTH);
        float[] ddpmPlain = Samplers.create(new SamplerSpec.Ddpm(1000)).sample(
                new DiffusionProblem(new OracleDenoiser(THREE), SCHEDULE), request).points();
        double mmdPlain = Mmd.mmd(ddpmPlain, N, TiltedTarget.sample(THREE, c, 0, N, 21), N, 2, BANDWIDTH);
        System.out.printf("DDPM-1000 without a corrector: guided vs the tilted target %.5f; unguided vs p(x|c) %.5f%n",
                mmdDdpm, mmdPlain);
        assertThat(mmdPlain).as("conditional DDPM samples p(x|c)").isLessThan(bound);
        assertThat(mmdDdpm).as("guided DDPM is not the tilted target").isGreaterThan(10 * bound);
        System.out.printf("tilted target w=%s: largest MMD between exact draws %.5f, guided Langevin %.5f, unguided"
                + " %.5f%n", w, floor, mmdGuided, mmdUnguided);
        assertThat(mmdGuided).isLessThan(bound);
        assertThat(mmdUnguided).isGreaterThan(bound);
    }

    @Test
    void picardWithGuidanceEndsWhereSequentialGuidedSamplingEnds() {
        Denoiser guided = new GuidedDenoiser(new OracleDenoiser(THREE), 1.5);
        SamplingRequest request = SamplingRequest.ofClass(200, 9, 2);
        DiffusionProblem problem = new DiffusionProblem(guided, SCHEDULE);
        float[] sequential = Samplers.create(new SamplerSpec.Ddim(100, 0)).sample(problem, request).points();
        float[] parallel = new PicardSampler(new PicardSpec(100, 0, 1e-6, PicardSpec.Drift.DDIM))
                .sample(problem, request, new int[0], iteration -> { }).points();
        for (int i = 0; i < sequential.length; i++) {
            assertThat(parallel[i]).isCloseTo(sequential[i], within(2e-3f));
        }
    }

    @Test
    void guidanceNeedsAConditionalModelAndASaneWeight() {
        assertThatThrownBy(() -> new GuidedDenoiser(new OracleDenoiser(ToyDatasets.byName("dino")), 1))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("conditional");
        assertThatThrownBy(() -> new GuidedDenoiser(new OracleDenoiser(THREE), -1))
                .isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> new GuidedDenoiser(new OracleDenoiser(THREE), Double.NaN))
                .isInstanceOf(InvalidConfigException.class);
    }
}
