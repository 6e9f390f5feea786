package org.noiselab.engine.metric;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.kernel.VectorMath;

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

    /** A statistic over non-finite points would read as a number: refuse them, naming the first. */
    private static void requireFinite(float[] v, int count, int dim, String what) {
        for (int i = 0; i < count; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException("MMD of non-finite " + what + ": point " + i / dim + " holds "
                        + v[i] + " (the model or sampler diverged)");
            }
        }
    }

    /** Refuses a kernel variance that is not a positive, finite number of sensible size. */
    public static double checkBandwidth(double bandwidth) {
        if (!(bandwidth > 0 && bandwidth <= 1e6)) {
            throw new org.noiselab.engine.InvalidConfigException("--bandwidth", bandwidth,
                    "must be a positive kernel variance, at most 1e6");
        }
        return bandwidth;
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
        requireFinite(x, nx * dim, dim, "samples");
        requireFinite(y, ny * dim, dim, "reference points");
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

    /** {@code sum_{i, j} k(a_i, b_j)}; b is padded to whole vectors and the padding weighted by zero. */
    private static double kernelSum(float[][] a, int na, float[][] b, int nb, double bandwidth) {
        float negInvTwoBw = (float) (-1 / (2 * bandwidth));
        int dim = a.length;
        int padded = b[0].length;
        float[] weight = new float[padded];
        java.util.Arrays.fill(weight, 0, nb, 1f);
        float[] row = new float[padded];
        float[] lanes = VectorMath.scratch();
        double total = 0;
        for (int i = 0; i < na; i++) {
            for (int j = 0; j < padded; j += S.length()) {
                FloatVector dist = FloatVector.zero(S);
                for (int d = 0; d < dim; d++) {
                    FloatVector diff = FloatVector.fromArray(S, b[d], j).sub(a[d][i]);
                    dist = diff.fma(diff, dist);
                }
                dist.intoArray(row, j);
            }
            VectorMath.expScaled(row, negInvTwoBw, row, 0, padded);
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < padded; j += S.length()) {
                acc = FloatVector.fromArray(S, row, j).fma(FloatVector.fromArray(S, weight, j), acc);
            }
            acc.intoArray(lanes, 0);
            total += VectorMath.sumLanes(lanes);
        }
        return total * diagonal(bandwidth);
    }

    /** Dimension-major copies, each padded with zeros to a whole number of vectors. */
    private static float[][] byDimension(float[] points, int n, int dim) {
        int padded = (n + S.length() - 1) / S.length() * S.length();
        float[][] out = new float[dim][padded];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dim; d++) {
                out[d][i] = points[i * dim + d];
            }
        }
        return out;
    }
}
