package org.noiselab.engine.likelihood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.noiselab.engine.model.OracleDenoiser;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.toys.GaussianMixture;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;

/** The ITD estimator driven by the exact denoiser reproduces exact log-densities. */
class ItdEstimatorTest {

    private static final ToyDataset DATA = ToyDatasets.byName(ToyDatasets.GAUSS_1D);

    private static ItdEstimator oracleEstimator(ToyDataset d) {
        double[] v = d.mixture().overallVariance();
        return new ItdEstimator(new OracleDenoiser(d), new GaussianReference(v), LogSnrProposal.forVariances(v));
    }

    @Test
    void oracleNllMatchesTheExactNllOfTheTwoModeGaussian() {
        int n = 400;
        float[] x = DATA.sample(n, 3).pointsAsFloats();
        double[] estimate = oracleEstimator(DATA).negativeLogLikelihood(x, n, 500, new SplittableRandom(1));
        double meanEstimate = 0;
        double meanExact = 0;
        for (int i = 0; i < n; i++) {
            meanEstimate += estimate[i] / n;
            meanExact -= DATA.mixture().logDensity(x[i]) / n;
        }
        assertThat(meanEstimate).isCloseTo(meanExact, within(0.05));
    }

    @Test
    void perPointEstimatesTrackTheExactDensityAndNoisedDensitiesToo() {
        ItdEstimator itd = oracleEstimator(DATA);
        float[] x = {-5f, 0f, 3f};
        // per point the estimator is noisy (the standard error with 200,000 draws is a few hundredths of a nat)
        double[] est = itd.negativeLogLikelihood(x, 3, 200_000, new SplittableRandom(2));
        for (int i = 0; i < 3; i++) {
            assertThat(est[i]).isCloseTo(-DATA.mixture().logDensity(x[i]), within(0.15));
        }
        double zeta = 0.5;
        GaussianMixture noised = DATA.mixture().noised(NoiseSchedule.alphaBarOfLogSnr(zeta));
        double[] estZeta = itd.negativeLogLikelihoodNoised(x, 3, zeta, 200_000, new SplittableRandom(3));
        for (int i = 0; i < 3; i++) {
            assertThat(estZeta[i]).isCloseTo(-noised.logDensity(x[i]), within(0.15));
        }
        // the check can fail: a wrong zeta gives a different density
        double[] wrong = itd.negativeLogLikelihoodNoised(x, 3, 3.0, 200_000, new SplittableRandom(3));
        assertThat(Math.abs(wrong[1] + noised.logDensity(x[1]))).isGreaterThan(0.3);
    }

    @Test
    void twoDimensionalOracleNllOnEightGaussians() {
        ToyDataset d = ToyDatasets.byName("eight-gaussians");
        int n = 200;
        float[] x = d.sample(n, 5).pointsAsFloats();
        double[] est = oracleEstimator(d).negativeLogLikelihood(x, n, 500, new SplittableRandom(4));
        double meanEstimate = 0;
        double meanExact = 0;
        for (int i = 0; i < n; i++) {
            meanEstimate += est[i] / n;
            meanExact -= d.mixture().logDensity(x[2 * i], x[2 * i + 1]) / n;
        }
        assertThat(meanEstimate).isCloseTo(meanExact, within(0.08));
    }

    @Test
    void proposalWeightIsTheInverseDensityOfItsDraws() {
        LogSnrProposal p = new LogSnrProposal(-1, 3, 3);
        SplittableRandom rng = new SplittableRandom(9);
        // E_p[w(l) f(l)] = integral of f over the support; with f = 1 that is the support's length 2 c scale
        double sum = 0;
        int n = 400_000;
        for (int i = 0; i < n; i++) {
            double l = p.sample(rng);
            assertThat(l).isBetween(p.min(), p.max());
            sum += p.weight(l);
        }
        assertThat(sum / n).isCloseTo(18.0, within(0.15));
    }
}
