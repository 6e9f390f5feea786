package org.noiselab.engine.metric;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.noiselab.engine.InvalidConfigException;

/**
 * Maximum mean discrepancy exactly as the CDL reference code computes it, so numbers compare with the paper's: kernel
 * {@code k(x, y) = exp(-||x - y||^2 / (2 bw)) / sqrt(2 pi bw)} with {@code bw} a variance (0.03 for the toys),
 * unbiased within-set terms and a biased cross term:
 * <pre>
 *   MMD = mean_{i != j} k(x_i, x_j) + mean_{i != j} k(y_i, y_j) - 2 mean_{i, j} k(x_i, y_j).
 * </pre>
 * (Gretton et al. 2012 for the statistic.) Distances are computed in single precision with the Vector API; sums in
 * double.
 */
public final class Mmd {

    /** The bandwidth (a variance) the CDL reference uses for the 2D toys. */
    public static final double DEFAULT_BANDWIDTH = 0.03;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private Mmd() {
    }

    /** MMD between two point sets of the same dimension, with the default bandwidth. */
    public static double mmd(float[] x, int nx, float[] y, int ny, int dim) {
        return mmd(x, nx, y, ny, dim, DEFAULT_BANDWIDTH);
    }

    /** MMD between two point sets of the same dimension. */
    public static double mmd(float[] x, int nx, float[] y, int ny, int dim, double bandwidth) {
        if (nx < 2 || ny < 2) {
            throw new InvalidConfigException("n", Math.min(nx, ny), "MMD needs at least 2 points per set");
        }
        if (!(bandwidth > 0)) {
            throw new InvalidConfigException("bandwidth", bandwidth, "must be positive");
        }
        if (x.length < nx * dim || y.length < ny * dim) {
            throw new IllegalArgumentException("point arrays shorter than n * dim");
        }
        float[][] xs = byDimension(x, nx, dim);
        float[][] ys = byDimension(y, ny, dim);
        double selfX = (kernelSum(xs, nx, xs, nx, bandwidth) - nx * diagonal(bandwidth)) / ((double) nx * (nx - 1));
        double selfY = (kernelSum(ys, ny, ys, ny, bandwidth) - ny * diagonal(bandwidth)) / ((double) ny * (ny - 1));
        double cross = kernelSum(xs, nx, ys, ny, bandwidth) / ((double) nx * ny);
        return selfX + selfY - 2 * cross;
    }

    private static double diagonal(double bandwidth) {
        return 1 / Math.sqrt(2 * Math.PI * bandwidth);
    }

    /** {@code sum_{i, j} k(a_i, b_j)} without the normalising constant applied until the end. */
    private static double kernelSum(float[][] a, int na, float[][] b, int nb, double bandwidth) {
        float negInvTwoBw = (float) (-1 / (2 * bandwidth));
        int dim = a.length;
        double total = 0;
        for (int i = 0; i < na; i++) {
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < nb; j += S.length()) {
                VectorMask<Float> mask = S.indexInRange(j, nb);
                FloatVector dist = FloatVector.zero(S);
                for (int d = 0; d < dim; d++) {
                    FloatVector diff = FloatVector.fromArray(S, b[d], j, mask).sub(a[d][i]);
                    dist = diff.fma(diff, dist);
                }
                FloatVector k = dist.mul(negInvTwoBw).lanewise(VectorOperators.EXP);
                acc = acc.add(k, mask);
            }
            total += acc.reduceLanes(VectorOperators.ADD);
        }
        return total * diagonal(bandwidth);
    }

    private static float[][] byDimension(float[] points, int n, int dim) {
        float[][] out = new float[dim][n];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dim; d++) {
                out[d][i] = points[i * dim + d];
            }
        }
        return out;
    }
}
