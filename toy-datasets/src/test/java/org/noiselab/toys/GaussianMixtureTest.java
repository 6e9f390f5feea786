package org.noiselab.toys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class GaussianMixtureTest {

    private static final GaussianMixture TWO_D = new GaussianMixture(new double[] {0.2, 0.5, 0.3},
            new double[][] {{-1, 0.5}, {2, 1}, {0, -2}}, new double[][] {{0.3, 0.6}, {1.0, 0.2}, {0.5, 0.5}});

    @ParameterizedTest
    @ValueSource(doubles = {1.0, 0.9, 0.5, 0.05, 0.0})
    void scoreIsTheNumericalGradientOfTheLogDensity(double alphaBar) {
        GaussianMixture noised = TWO_D.noised(alphaBar);
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 20; trial++) {
            double[] x = {rng.nextDouble(-4, 4), rng.nextDouble(-4, 4)};
            double[] score = noised.score(x, 1);
            for (int j = 0; j < 2; j++) {
                double h = 1e-5;
                double[] plus = x.clone();
                double[] minus = x.clone();
                plus[j] += h;
                minus[j] -= h;
                double numeric = (noised.logDensity(plus) - noised.logDensity(minus)) / (2 * h);
                assertThat(score[j]).isCloseTo(numeric, within(1e-6 * (1 + Math.abs(numeric))));
            }
        }
    }

    @Test
    void oneDimensionalDensityIntegratesToOne() {
        GaussianMixture m = ToyDatasets.byName(ToyDatasets.GAUSS_1D).mixture();
        for (double a : new double[] {1.0, 0.3, 0.0}) {
            GaussianMixture noised = m.noised(a);
            double sum = 0;
            double dx = 0.001;
            for (double x = -20; x < 20; x += dx) {
                sum += Math.exp(noised.logDensity(x)) * dx;
            }
            assertThat(sum).isCloseTo(1.0, within(1e-6));
        }
    }

    @Test
    void noisedMarginalMatchesMonteCarloForwardProcess() {
        double alphaBar = 0.4;
        SplittableRandom rng = new SplittableRandom(11);
        int n = 200_000;
        double[] x0 = TWO_D.sample(n, rng, null);
        double[] sum = new double[2];
        double[] sumSq = new double[2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 2; j++) {
                double xt = Math.sqrt(alphaBar) * x0[2 * i + j] + Math.sqrt(1 - alphaBar) * rng.nextGaussian();
                sum[j] += xt;
                sumSq[j] += xt * xt;
            }
        }
        GaussianMixture noised = TWO_D.noised(alphaBar);
        double[] mean = noised.overallMean();
        double[] var = noised.overallVariance();
        for (int j = 0; j < 2; j++) {
            double m = sum[j] / n;
            assertThat(m).isCloseTo(mean[j], within(0.01));
            assertThat(sumSq[j] / n - m * m).isCloseTo(var[j], within(0.02));
        }
    }

    @Test
    void epsPosteriorMeanIsTweediesFormulaAndTheMonteCarloConditionalMean() {
        // 1D: E[eps | x_t in a narrow bin] from simulation must match the closed form at the bin centre.
        GaussianMixture m = ToyDatasets.byName(ToyDatasets.GAUSS_1D).mixture();
        double alphaBar = 0.2;
        SplittableRandom rng = new SplittableRandom(5);
        double sumEps = 0;
        int count = 0;
        for (int i = 0; i < 2_000_000; i++) {
            double x0 = m.sample(1, rng, null)[0];
            double eps = rng.nextGaussian();
            double xt = Math.sqrt(alphaBar) * x0 + Math.sqrt(1 - alphaBar) * eps;
            if (Math.abs(xt - 1.0) < 0.02) {
                sumEps += eps;
                count++;
            }
        }
        double expected = m.epsPosteriorMean(new double[] {1.0}, 1, alphaBar)[0];
        assertThat(sumEps / count).isCloseTo(expected, within(0.03));
        double score = m.noised(alphaBar).score(new double[] {1.0}, 1)[0];
        assertThat(expected).isCloseTo(-Math.sqrt(1 - alphaBar) * score, within(1e-12));
    }

    @Test
    void perRowNoiseLevelsMatchOneLevelAtATime() {
        double[] x = {0.3, -1.0, 2.5, 0.1, -3.0, 4.0};
        double[] levels = {0.99, 0.5, 0.01};
        double[] mixed = TWO_D.epsPosteriorMean(x, levels, 3);
        for (int i = 0; i < 3; i++) {
            double[] single = TWO_D.epsPosteriorMean(new double[] {x[2 * i], x[2 * i + 1]}, 1, levels[i]);
            assertThat(mixed[2 * i]).isCloseTo(single[0], within(1e-12));
            assertThat(mixed[2 * i + 1]).isCloseTo(single[1], within(1e-12));
        }
    }

    @Test
    void samplingIsDeterministicPerSeedAndMatchesMoments() {
        double[] a = TWO_D.sample(1000, new SplittableRandom(9), null);
        double[] b = TWO_D.sample(1000, new SplittableRandom(9), null);
        assertThat(a).containsExactly(b);
        double[] big = TWO_D.sample(200_000, new SplittableRandom(10), null);
        double mean0 = 0;
        for (int i = 0; i < 200_000; i++) {
            mean0 += big[2 * i];
        }
        assertThat(mean0 / 200_000).isCloseTo(TWO_D.overallMean()[0], within(0.01));
    }

    @Test
    void rejectsInvalidParameters() {
        assertThatThrownBy(() -> new GaussianMixture(new double[] {1}, new double[][] {{0}}, new double[][] {{0}}))
                .hasMessageContaining("positive variance");
        assertThatThrownBy(() -> new GaussianMixture(new double[] {-1}, new double[][] {{0}}, new double[][] {{1}}))
                .hasMessageContaining("non-negative");
        assertThatThrownBy(() -> TWO_D.noised(1.5)).hasMessageContaining("alphaBar");
    }
}
