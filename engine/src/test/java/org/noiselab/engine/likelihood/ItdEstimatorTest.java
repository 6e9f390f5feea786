package org.noiselab.engine.likelihood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.model.MlpDenoiser;
import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.model.OracleDenoiser;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.toys.GaussianMixture;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;

/**
 * The ITD estimator: each per-point estimate, draw by draw, against a plain re-implementation written here (both the
 * CDL reference's form and the pointwise-Gaussian control variate, and the noised density), and driven by the exact
 * denoiser, against exact log-densities. The bound on every toy at the default settings is {@code ItdFloorIT}.
 */
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
        // so does the defensive mixture, half of whose draws are uniform over the same range
        LogSnrProposal mixed = p.withUniformShare(0.5);
        double mixedSum = 0;
        for (int i = 0; i < n; i++) {
            double l = mixed.sample(rng);
            assertThat(l).isBetween(p.min(), p.max());
            mixedSum += mixed.weight(l);
        }
        assertThat(mixedSum / n).isCloseTo(18.0, within(0.1));
        assertThat(mixed.weight(p.max())).isLessThanOrEqualTo(2 * 18.0);
    }

    /**
     * A plain ITD estimate for one point (Kong et al. 2023; the CDL reference's {@code logistic_integrate} and
     * {@code nll}): the same stream of draws as the engine consumes them (per draw: one uniform, then d normals),
     * everything else recomputed in double from the formulas.
     *
     * @param mean null for the reference's form (h_G, mmse_G), else the pointwise Gaussian's mean
     * @param zeta NaN for the clean density, else the log-SNR the point was noised to
     */
    private static double plainItd(Denoiser f, double[] x, double[] v, double[] mean, double zeta, double loc,
                                   double scale, double clip, double share, int draws, SplittableRandom rng) {
        int d = x.length;
        double sum = 0;
        double min = loc - clip * scale;
        double max = loc + clip * scale;
        for (int k = 0; k < draws; k++) {
            double uniform = rng.nextDouble();
            double lambda;
            if (uniform < share) {
                lambda = min + (max - min) * uniform / share;
            } else {
                double lo = 1 / (1 + Math.exp(clip));
                double p = lo + (1 / (1 + Math.exp(-clip)) - lo) * (uniform - share) / (1 - share);
                lambda = loc + scale * Math.log(p / (1 - p));
            }
            double u = (lambda - loc) / scale;
            double logistic = 1 / (scale * Math.tanh(clip / 2) * (1 + Math.exp(u)) * (1 + Math.exp(-u)));
            double w = 1 / (share / (max - min) + (1 - share) * logistic);
            double a = 1 / (1 + Math.exp(-lambda));
            double[] e = new double[d];
            float[] z = new float[d];
            for (int j = 0; j < d; j++) {
                e[j] = (float) rng.nextGaussian();
                z[j] = (float) (Math.sqrt(a) * x[j] + Math.sqrt(1 - a) * e[j]);
            }
            double query = lambda;
            double rescale = 1;
            if (!Double.isNaN(zeta)) {
                double both = a / (1 + Math.exp(-zeta));
                query = Math.log(both / (1 - both));
                rescale = Math.sqrt((1 - a) / (1 - both));
            }
            float[] out = new float[d];
            f.predictEps(z, new float[] {(float) query}, null, 1, out);
            double mse = 0;
            double base = 0;
            double mmse = 0;
            for (int j = 0; j < d; j++) {
                mse += Math.pow(rescale * out[j] - e[j], 2);
                mmse += v[j] * a / (v[j] * a + 1 - a);
                if (mean != null) {
                    double zj = Math.sqrt(a) * x[j] + Math.sqrt(1 - a) * e[j];
                    base += Math.pow(Math.sqrt(1 - a) * (zj - Math.sqrt(a) * mean[j]) / (a * v[j] + 1 - a) - e[j], 2);
                }
            }
            sum += w * (mse - (mean == null ? mmse : base));
        }
        double h = 0;
        for (int j = 0; j < d; j++) {
            h += mean == null ? 0.5 * Math.log(2 * Math.PI * Math.E * v[j])
                    : 0.5 * Math.log(2 * Math.PI * v[j]) + 0.5 * Math.pow(x[j] - mean[j], 2) / v[j];
        }
        return h + 0.5 * sum / draws;
    }

    /** Every per-point estimate of every form equals the plain one to round-off, on the oracle and a random network. */
    @Test
    void everyEstimateEqualsThePlainReimplementationDrawByDraw() {
        ToyDataset dino = ToyDatasets.byName(ToyDatasets.DINO);
        double[] v = dino.mixture().overallVariance();
        double[] mean = {0.3, -0.2};
        LogSnrProposal proposal = LogSnrProposal.forVariances(v, 5);
        LogSnrProposal defensive = proposal.withUniformShare(0.5);
        double loc = -(Math.log(v[0]) + Math.log(v[1])) / 2; // the reference's centre, -mean(log v)
        Denoiser[] models = {new OracleDenoiser(dino),
            MlpDenoiser.initialise(MlpSpec.defaults(2).withWidth(16).withDepth(2), 4)};
        int n = 5;
        int draws = 40;
        float[] x = dino.sample(n, 8).pointsAsFloats();
        for (Denoiser f : models) {
            ItdEstimator itd = new ItdEstimator(f, new GaussianReference(v), proposal);
            ItdEstimator evaluation = new ItdEstimator(f, new GaussianReference(v), defensive);
            double[][] engine = {itd.negativeLogLikelihood(x, n, draws, new SplittableRandom(3)),
                evaluation.negativeLogLikelihoodAgainstGaussian(x, n, draws, new SplittableRandom(3), mean),
                itd.negativeLogLikelihoodNoised(x, n, 0.7, draws, new SplittableRandom(3))};
            double[][] plain = new double[3][n];
            SplittableRandom[] streams = {new SplittableRandom(3), new SplittableRandom(3), new SplittableRandom(3)};
            for (int i = 0; i < n; i++) {
                double[] xi = {x[2 * i], x[2 * i + 1]};
                plain[0][i] = plainItd(f, xi, v, null, Double.NaN, loc, 3, 5, 0, draws, streams[0]);
                plain[1][i] = plainItd(f, xi, v, mean, Double.NaN, loc, 3, 5, 0.5, draws, streams[1]);
                plain[2][i] = plainItd(f, xi, v, null, 0.7, loc, 3, 5, 0, draws, streams[2]);
            }
            for (int form = 0; form < 3; form++) {
                for (int i = 0; i < n; i++) {
                    assertThat(engine[form][i]).as("form %d, point %d", form, i)
                            .isCloseTo(plain[form][i], within(1e-4 * Math.max(1, Math.abs(plain[form][i]))));
                }
            }
        }
    }

    /**
     * The control variate changes the noise, not the answer: on the smooth two-mode Gaussian (nothing outside the
     * range), the pointwise and the reference form agree within their errors, and the pointwise one is far less
     * noisy per point.
     */
    @Test
    void thePointwiseGaussianKeepsTheExpectationAndCutsTheNoise() {
        int n = 300;
        float[] x = DATA.sample(n, 11).pointsAsFloats();
        double[] v = DATA.mixture().overallVariance();
        ItdEstimator itd = new ItdEstimator(new OracleDenoiser(DATA), new GaussianReference(v),
                LogSnrProposal.forVariances(v, LogSnrProposal.EVALUATION_CLIP));
        double[] plain = itd.negativeLogLikelihood(x, n, 2000, new SplittableRandom(5));
        double[] pointwise = itd.negativeLogLikelihoodAgainstGaussian(x, n, 2000, new SplittableRandom(6),
                DATA.mixture().overallMean());
        double[] exact = new double[n];
        for (int i = 0; i < n; i++) {
            exact[i] = -DATA.mixture().logDensity(x[i]);
        }
        FlooredNll a = FlooredNll.of(plain, plain, exact);
        FlooredNll b = FlooredNll.of(pointwise, pointwise, exact);
        double plainNoise = FlooredNll.stderr(minus(plain, exact));
        double pointwiseNoise = FlooredNll.stderr(minus(pointwise, exact));
        assertThat(Math.abs(a.gap())).isLessThan(3 * plainNoise);
        assertThat(Math.abs(b.gap())).isLessThan(3 * pointwiseNoise + 0.01);
        assertThat(pointwiseNoise).isLessThan(plainNoise / 3);
    }

    private static double[] minus(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }
}
