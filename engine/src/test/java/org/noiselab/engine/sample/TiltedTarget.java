package org.noiselab.engine.sample;

import java.util.SplittableRandom;
import org.noiselab.toys.GaussianMixture;
import org.noiselab.toys.ToyDataset;

/**
 * Exact draws from the guidance target {@code p(x|c)^(1+w) p(x)^(-w)} of a labelled 2D toy: the unnormalised density
 * is evaluated on a fine grid over a box holding the mass, normalised numerically, and sampled by choosing a cell by
 * its mass and a uniform point inside it.
 */
final class TiltedTarget {

    private static final int CELLS = 400;
    private static final double HALF_WIDTH = 5;

    private TiltedTarget() {
    }

    static float[] sample(ToyDataset d, int c, double w, int n, long seed) {
        GaussianMixture conditional = d.classMixture(c);
        GaussianMixture full = d.mixture();
        double h = 2 * HALF_WIDTH / CELLS;
        int cells = CELLS * CELLS;
        double[] centres = new double[2 * cells];
        for (int i = 0; i < CELLS; i++) {
            for (int j = 0; j < CELLS; j++) {
                int k = i * CELLS + j;
                centres[2 * k] = -HALF_WIDTH + (j + 0.5) * h;
                centres[2 * k + 1] = -HALF_WIDTH + (i + 0.5) * h;
            }
        }
        double[] lc = conditional.logDensity(centres, cells);
        double[] lf = full.logDensity(centres, cells);
        double max = Double.NEGATIVE_INFINITY;
        double[] log = new double[cells];
        for (int k = 0; k < cells; k++) {
            log[k] = (1 + w) * lc[k] - w * lf[k];
            max = Math.max(max, log[k]);
        }
        double[] cdf = new double[cells];
        double total = 0;
        for (int k = 0; k < cells; k++) {
            total += Math.exp(log[k] - max);
            cdf[k] = total;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        float[] out = new float[2 * n];
        for (int s = 0; s < n; s++) {
            int k = java.util.Arrays.binarySearch(cdf, rng.nextDouble() * total);
            k = k >= 0 ? k : Math.min(cells - 1, -k - 1);
            out[2 * s] = (float) (centres[2 * k] + (rng.nextDouble() - 0.5) * h);
            out[2 * s + 1] = (float) (centres[2 * k + 1] + (rng.nextDouble() - 0.5) * h);
        }
        return out;
    }
}
