package org.noiselab.engine.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MmdTest {

    @Test
    void handComputedTwoPointSets() {
        // x = {0, 1}, y = {0, 2} in 1D with bw = 0.5: k(d) = exp(-d^2) / sqrt(pi)
        double c = 1 / Math.sqrt(Math.PI);
        double xx = c * Math.exp(-1);
        double yy = c * Math.exp(-4);
        double xy = c * (1 + Math.exp(-4) + Math.exp(-1) + Math.exp(-1)) / 4;
        double expected = xx + yy - 2 * xy;
        double mmd = Mmd.mmd(new float[] {0, 1}, 2, new float[] {0, 2}, 2, 1, 0.5);
        assertThat(mmd).isCloseTo(expected, within(1e-6));
    }

    @Test
    void matchesADoublePrecisionReferenceAndIsSymmetric() {
        SplittableRandom rng = new SplittableRandom(1);
        int n = 300;
        float[] x = new float[2 * n];
        float[] y = new float[2 * 257];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) (0.3 + rng.nextGaussian());
        }
        double bw = 0.03;
        double reference = reference(x, n, y, 257, 2, bw);
        assertThat(Mmd.mmd(x, n, y, 257, 2, bw)).isCloseTo(reference, within(1e-5 * Math.abs(reference) + 1e-7));
        assertThat(Mmd.mmd(y, 257, x, n, 2, bw)).isCloseTo(reference, within(1e-5 * Math.abs(reference) + 1e-7));
    }

    private static double reference(float[] x, int nx, float[] y, int ny, int d, double bw) {
        double xx = 0;
        double yy = 0;
        double xy = 0;
        for (int i = 0; i < nx; i++) {
            for (int j = 0; j < nx; j++) {
                if (i != j) {
                    xx += k(x, i, x, j, d, bw);
                }
            }
            for (int j = 0; j < ny; j++) {
                xy += k(x, i, y, j, d, bw);
            }
        }
        for (int i = 0; i < ny; i++) {
            for (int j = 0; j < ny; j++) {
                if (i != j) {
                    yy += k(y, i, y, j, d, bw);
                }
            }
        }
        return xx / (nx * (nx - 1.0)) + yy / (ny * (ny - 1.0)) - 2 * xy / ((double) nx * ny);
    }

    private static double k(float[] a, int i, float[] b, int j, int d, double bw) {
        double s = 0;
        for (int c = 0; c < d; c++) {
            double diff = a[i * d + c] - b[j * d + c];
            s += diff * diff;
        }
        return Math.exp(-s / (2 * bw)) / Math.sqrt(2 * Math.PI * bw);
    }
}
