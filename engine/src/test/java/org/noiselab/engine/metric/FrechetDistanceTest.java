package org.noiselab.engine.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link FrechetDistance} against closed forms, including non-commuting covariances. */
class FrechetDistanceTest {

    @Test
    void nonCommutingTwoByTwoCovariancesMatchTheClosedForm() {
        double[][] a = {{2.0, 0.3}, {0.3, 0.5}};
        double[][] b = {{1.0, -0.4}, {-0.4, 1.5}};
        double[] muA = {0.5, -1};
        double[] muB = {-0.5, 1};
        // For 2x2 PSD M: tr sqrt(M) = sqrt(tr M + 2 sqrt(det M)); here M = A^1/2 B A^1/2, tr M = tr(AB).
        double trAb = a[0][0] * b[0][0] + a[0][1] * b[1][0] + a[1][0] * b[0][1] + a[1][1] * b[1][1];
        double detA = a[0][0] * a[1][1] - a[0][1] * a[1][0];
        double detB = b[0][0] * b[1][1] - b[0][1] * b[1][0];
        double cross = Math.sqrt(trAb + 2 * Math.sqrt(detA * detB));
        double expected = 1 + 4 + (2.0 + 0.5 + 1.0 + 1.5) - 2 * cross;
        assertThat(FrechetDistance.between(muA, a, muB, b)).isCloseTo(expected, within(1e-9));
        assertThat(FrechetDistance.between(muA, a, muA, a)).isCloseTo(0, within(1e-9));
    }

    @Test
    void sampledGaussiansGiveTheDistanceOfTheirParameters() {
        int n = 20_000;
        int d = 4;
        float[] x = gaussian(n, d, 0, 1, 1);
        float[] sameLaw = gaussian(n, d, 0, 1, 2);
        float[] shifted = gaussian(n, d, 1, 1, 3);
        float[] wider = gaussian(n, d, 0, 2, 4);
        assertThat(FrechetDistance.between(x, n, sameLaw, n, d)).isLessThan(0.01);
        // |mu|^2 = 4; sd 1 vs 2 per axis: (1 - 2)^2 * 4 = 4.
        assertThat(FrechetDistance.between(x, n, shifted, n, d)).isCloseTo(4, within(0.1));
        assertThat(FrechetDistance.between(x, n, wider, n, d)).isCloseTo(4, within(0.15));
    }

    /**
     * At 500 vectors in 32 dimensions the plain distance between two samples of one Gaussian is far from 0 (its bias);
     * FD-infinity is near 0, and for a shifted Gaussian near the true distance, where the plain one is too high.
     */
    @Test
    void theExtrapolatedDistanceRemovesTheSmallSampleBias() {
        int n = 500;
        int d = 32;
        int reference = 20_000;
        float[] ref = gaussian(reference, d, 0, 1, 5);
        float[] same = gaussian(n, d, 0, 1, 6);
        float[] shifted = gaussian(n, d, 0.25, 1, 7);
        double plainSame = FrechetDistance.between(same, n, ref, reference, d);
        double infSame = FrechetDistance.extrapolated(same, n, ref, reference, d, 8, 1);
        assertThat(plainSame).as("bias of the plain distance").isGreaterThan(0.5);
        assertThat(Math.abs(infSame)).as("FD-infinity of the same law").isLessThan(0.25 * plainSame);
        // true distance: |mu|^2 = 32 * 0.0625 = 2
        double plainShifted = FrechetDistance.between(shifted, n, ref, reference, d);
        double infShifted = FrechetDistance.extrapolated(shifted, n, ref, reference, d, 8, 1);
        assertThat(plainShifted - 2).as("plain distance overshoots").isGreaterThan(0.5);
        assertThat(infShifted).isCloseTo(2, within(0.3));
    }

    private static float[] gaussian(int n, int d, double mean, double sd, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            double u = rng.nextDouble();
            double v = rng.nextDouble();
            x[i] = (float) (mean + sd * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v));
        }
        return x;
    }
}
