package org.noiselab.engine.metric;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Frechet distance between Gaussians fitted to two sets of feature vectors (Heusel et al. 2017, the formula of
 * FID): {@code |mu_1 - mu_2|^2 + tr(S_1 + S_2 - 2 (S_1^{1/2} S_2 S_1^{1/2})^{1/2})}. Noise Lab computes it on the
 * features of its own small image classifier ({@link ImageClassifier}), so the numbers are not Inception FIDs and are
 * comparable only with each other. Matrix square roots come from symmetric eigendecompositions (LAPACK through ND4J).
 */
public final class FrechetDistance {

    private FrechetDistance() {
    }

    /** The distance between the Gaussians fitted to {@code a} ({@code na x d}) and {@code b} ({@code nb x d}). */
    public static double between(float[] a, int na, float[] b, int nb, int d) {
        if (na < 2 || nb < 2) {
            throw new IllegalArgumentException("need at least 2 feature vectors per set, got " + na + " and " + nb);
        }
        double[] muA = new double[d];
        double[] muB = new double[d];
        double[][] covA = covariance(a, na, d, muA);
        double[][] covB = covariance(b, nb, d, muB);
        return between(muA, covA, muB, covB);
    }

    /**
     * FD-infinity (Chong and Forsyth 2020, "Effectively unbiased FID and Inception Score and where to find them"): the
     * distance from {@code b} of {@code points} nested random subsets of {@code a}, sizes evenly spaced in
     * {@code 1/N} from {@code na / 5} to {@code na}, fitted by least squares as {@code FD(N) = FD_inf + k / N}; the
     * intercept is the distance an infinite sample of {@code a} would have. The plain distance of a finite sample is
     * biased upwards by roughly {@code k / N}, with {@code k} growing with the dimension, so at a thousand samples in
     * 64 dimensions it can rank two generators wrongly; the extrapolated value can be compared across sample sizes.
     *
     * @throws IllegalArgumentException with fewer than 2 points or too few vectors for the smallest subset
     */
    public static double extrapolated(float[] a, int na, float[] b, int nb, int d, int points, long seed) {
        int smallest = na / 5;
        if (points < 2 || smallest < 2) {
            throw new IllegalArgumentException("FD-infinity needs at least 2 subset sizes and 10 vectors, got " + points
                    + " and " + na);
        }
        int[] order = new int[na];
        for (int i = 0; i < na; i++) {
            order[i] = i;
        }
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        for (int i = na - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        float[] shuffled = new float[na * d];
        for (int i = 0; i < na; i++) {
            System.arraycopy(a, order[i] * d, shuffled, i * d, d);
        }
        double[] muB = new double[d];
        double[][] covB = covariance(b, nb, d, muB);
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (int k = 0; k < points; k++) {
            double inverse = 1.0 / smallest + (1.0 / na - 1.0 / smallest) * k / (points - 1);
            int n = (int) Math.round(1 / inverse);
            double[] muA = new double[d];
            double[][] covA = covariance(shuffled, n, d, muA);
            double fd = between(muA, covA, muB, covB);
            double x = 1.0 / n;
            sx += x;
            sy += fd;
            sxx += x * x;
            sxy += x * fd;
        }
        double slope = (points * sxy - sx * sy) / (points * sxx - sx * sx);
        return (sy - slope * sx) / points;
    }

    /** The distance between {@code N(muA, covA)} and {@code N(muB, covB)}. */
    public static double between(double[] muA, double[][] covA, double[] muB, double[][] covB) {
        int d = muA.length;
        double mean = 0;
        double trace = 0;
        for (int i = 0; i < d; i++) {
            mean += (muA[i] - muB[i]) * (muA[i] - muB[i]);
            trace += covA[i][i] + covB[i][i];
        }
        INDArray rootA = symmetricRoot(Nd4j.create(covA));
        INDArray middle = rootA.mmul(Nd4j.create(covB)).mmul(rootA);
        middle = middle.add(middle.transpose()).muli(0.5);
        INDArray values = Eigen.symmetricGeneralizedEigenvalues(middle.dup(), false);
        double cross = 0;
        for (int i = 0; i < d; i++) {
            cross += Math.sqrt(Math.max(0, values.getDouble(i)));
        }
        return mean + trace - 2 * cross;
    }

    /** {@code V diag(sqrt(max(lambda, 0))) V^T} of a symmetric matrix. */
    private static INDArray symmetricRoot(INDArray m) {
        INDArray vectors = m.castTo(DataType.DOUBLE).dup();
        INDArray values = Eigen.symmetricGeneralizedEigenvalues(vectors, true);
        int d = (int) values.length();
        INDArray scaled = vectors.dup();
        for (int j = 0; j < d; j++) {
            double s = Math.sqrt(Math.max(0, values.getDouble(j)));
            scaled.getColumn(j).muli(s);
        }
        return scaled.mmul(vectors.transpose());
    }

    /** Sample covariance (divisor n - 1); fills {@code mean}. */
    static double[][] covariance(float[] x, int n, int d, double[] mean) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += x[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] cov = new double[d][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double dj = x[i * d + j] - mean[j];
                for (int k = j; k < d; k++) {
                    cov[j][k] += dj * (x[i * d + k] - mean[k]);
                }
            }
        }
        for (int j = 0; j < d; j++) {
            for (int k = j; k < d; k++) {
                cov[j][k] /= n - 1;
                cov[k][j] = cov[j][k];
            }
        }
        return cov;
    }
}
