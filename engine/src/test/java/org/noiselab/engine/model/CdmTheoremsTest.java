package org.noiselab.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.noiselab.engine.likelihood.CdmLikelihood;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.engine.testing.GradientCheck;
import org.noiselab.toys.GaussianMixture;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;

/**
 * The CDM theorems (Yadin, Elata and Michaeli 2024) checked with the exact noise-level classifier of a mixture:
 * Theorem 3.1 turns its logits into the oracle denoiser, Theorem 3.2 into the exact log-density. Each check is shown
 * to fail when the classifier belongs to another schedule.
 */
class CdmTheoremsTest {

    private static final NoiseSchedule LINEAR = NoiseSchedule.linear(1000);

    @ParameterizedTest
    @ValueSource(strings = {ToyDatasets.GAUSS_1D, ToyDatasets.DINO, "three-class"})
    void levelGapGradientIsTheGradientOfTheExactLogits(String name) {
        ToyDataset d = ToyDatasets.byName(name);
        ExactNoiseClassifier c = new ExactNoiseClassifier(d, LINEAR);
        float[] x = points(d, 8, 3);
        int[] levels = {0, 1, 10, 200, 500, 900, 1000, 1001};
        float[] level = new float[8];
        for (int i = 0; i < 8; i++) {
            level[i] = levels[i];
        }
        float[] analytic = new float[x.length];
        c.levelGapGradient(x, level, null, 8, analytic);
        double h = 1e-3;
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < d.dim(); j++) {
                int k = i * d.dim() + j;
                int row = i;
                double numeric = GradientCheck.alongParameter(x, k, h, () -> gap(c, x, row, levels[row]));
                assertThat((double) analytic[k]).as("%s level %d", name, levels[i])
                        .isCloseTo(numeric, org.assertj.core.api.Assertions.within(2e-2 * (1 + Math.abs(numeric))));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {ToyDatasets.GAUSS_1D, ToyDatasets.DINO})
    void theorem31TheClassifierGradientIsTheOracleDenoiser(String name) {
        ToyDataset d = ToyDatasets.byName(name);
        Denoiser fromClassifier = new ClassifierDenoiser(new ExactNoiseClassifier(d, LINEAR), LINEAR);
        Denoiser oracle = new OracleDenoiser(d);
        assertThat(worstEpsDifference(d, fromClassifier, oracle, LINEAR)).isLessThan(2e-3);

        // a classifier of another schedule is not this schedule's denoiser
        NoiseSchedule cosine = NoiseSchedule.cosine(1000);
        Denoiser mismatched = new ClassifierDenoiser(new ExactNoiseClassifier(d, cosine), LINEAR);
        assertThat(worstEpsDifference(d, mismatched, oracle, LINEAR)).isGreaterThan(0.05);
    }

    @ParameterizedTest
    @ValueSource(strings = {ToyDatasets.GAUSS_1D, ToyDatasets.DINO, "two-moons"})
    void theorem32OneForwardPassGivesTheExactLogDensity(String name) {
        ToyDataset d = ToyDatasets.byName(name);
        int n = 200;
        float[] x = d.sample(n, 4).pointsAsFloats();
        double[] fromClassifier = CdmLikelihood.logDensity(new ExactNoiseClassifier(d, LINEAR), x, null, n);
        double[] exact = d.mixture().logDensity(toDouble(x), n);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            worst = Math.max(worst, Math.abs(fromClassifier[i] - exact[i]));
        }
        assertThat(worst).as("worst |log p| error on %s", name).isLessThan(1e-3);

        // the same formula on the classifier of a distribution with slightly wider components is off
        GaussianMixture m = d.mixture();
        ToyDataset other = new ToyDataset("wider", "", m.convolved(0.5), new int[m.components()],
                java.util.List.of("wider"), d.viewBounds());
        double[] wrong = CdmLikelihood.logDensity(new ExactNoiseClassifier(other, LINEAR), x, null, n);
        double meanGap = 0;
        for (int i = 0; i < n; i++) {
            meanGap += Math.abs(wrong[i] - exact[i]) / n;
        }
        assertThat(meanGap).as("mean |log p| error of a wrong classifier").isGreaterThan(0.05);
    }

    @ParameterizedTest
    @ValueSource(strings = {ToyDatasets.GAUSS_1D, ToyDatasets.DINO})
    void fractionalLevelsInterpolateBetweenTrainingLevels(String name) {
        ToyDataset d = ToyDatasets.byName(name);
        ClassifierDenoiser c = new ClassifierDenoiser(new ExactNoiseClassifier(d, LINEAR), LINEAR);
        for (int t = 0; t <= 1001; t++) {
            assertThat(c.levelOf(LINEAR.sigma(t))).isCloseTo(t, org.assertj.core.api.Assertions.within(1e-9));
        }
        double mid = (LINEAR.sigma(100) + LINEAR.sigma(101)) / 2;
        assertThat(c.levelOf(mid)).isCloseTo(100.5, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(c.levelOf(0)).isZero();
        assertThat(c.levelOf(1)).isEqualTo(1001);
    }

    private static double worstEpsDifference(ToyDataset d, Denoiser a, Denoiser b, NoiseSchedule s) {
        int n = 64;
        double worst = 0;
        for (int t : new int[] {1, 5, 50, 250, 500, 750, 999, 1000}) {
            float[] x = noisedPoints(d, s, t, n, t);
            float[] lambda = new float[n];
            java.util.Arrays.fill(lambda, (float) s.logSnr(t));
            float[] ea = new float[n * d.dim()];
            float[] eb = new float[n * d.dim()];
            a.predictEps(x, lambda, null, n, ea);
            b.predictEps(x, lambda, null, n, eb);
            for (int k = 0; k < ea.length; k++) {
                worst = Math.max(worst, Math.abs(ea[k] - eb[k]));
            }
        }
        return worst;
    }

    private static float[] noisedPoints(ToyDataset d, NoiseSchedule s, int t, int n, long seed) {
        float[] x0 = d.sample(n, seed).pointsAsFloats();
        SplittableRandom rng = new SplittableRandom(seed);
        double a = Math.sqrt(s.alphaBar(t));
        double sigma = s.sigma(t);
        float[] x = new float[x0.length];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) (a * x0[k] + sigma * rng.nextGaussian());
        }
        return x;
    }

    private static float[] points(ToyDataset d, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * d.dim()];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) rng.nextDouble(-3, 3);
        }
        return x;
    }

    private static double gap(NoiseLevelClassifier c, float[] x, int row, int level) {
        int levels = c.levels();
        int d = c.dim();
        float[] one = java.util.Arrays.copyOfRange(x, row * d, row * d + d);
        float[] f = new float[levels];
        c.logits(one, null, 1, f);
        return (double) f[levels - 1] - f[level];
    }

    private static double[] toDouble(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }
}
