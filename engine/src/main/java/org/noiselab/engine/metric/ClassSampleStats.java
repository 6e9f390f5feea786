package org.noiselab.engine.metric;

import java.util.SplittableRandom;
import org.noiselab.toys.GaussianMixture;
import org.noiselab.toys.ToyDataset;

/**
 * What guidance does to the samples of one class of a labelled toy: how far they are from the class (MMD against
 * exact draws of {@code p(x | c)}), how spread out they are ({@code sqrt(trace Cov)}, the diversity guidance trades
 * away), and how many of them the exact Bayes classifier {@code argmax_c' p(c' | x)} of the mixture assigns to class c.
 *
 * @param mmd       MMD against as many exact draws of the class
 * @param spread    {@code sqrt} of the trace of the samples' covariance
 * @param accuracy  fraction of samples whose most probable class is c
 * @param classSpread the same spread for exact draws of the class, for reference
 */
public record ClassSampleStats(double mmd, double spread, double accuracy, double classSpread) {

    /** The statistics of {@code n} samples meant to come from class {@code c}. */
    public static ClassSampleStats of(ToyDataset d, int c, float[] samples, int n, double bandwidth, long seed) {
        if (!d.labelled() || c < 0 || c >= d.classCount()) {
            throw new IllegalArgumentException(d.name() + " has no class " + c);
        }
        int dim = d.dim();
        double[] exact = d.classMixture(c).sample(n, new SplittableRandom(seed), null);
        float[] exactF = new float[exact.length];
        for (int i = 0; i < exact.length; i++) {
            exactF[i] = (float) exact[i];
        }
        double mmd = Mmd.mmd(samples, n, exactF, n, dim, bandwidth);
        return new ClassSampleStats(mmd, spread(samples, n, dim), accuracy(d, c, samples, n),
                spread(exactF, n, dim));
    }

    private static double spread(float[] x, int n, int dim) {
        double total = 0;
        for (int j = 0; j < dim; j++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += x[i * dim + j];
            }
            mean /= n;
            double var = 0;
            for (int i = 0; i < n; i++) {
                double e = x[i * dim + j] - mean;
                var += e * e;
            }
            total += var / Math.max(1, n - 1);
        }
        return Math.sqrt(total);
    }

    private static double accuracy(ToyDataset d, int c, float[] x, int n) {
        GaussianMixture m = d.mixture();
        int[] classes = d.componentClasses();
        int dim = d.dim();
        double[] row = new double[dim];
        double[] classLog = new double[d.classCount()];
        int hits = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                row[j] = x[i * dim + j];
            }
            double[] logR = m.logResponsibilities(row, 0);
            java.util.Arrays.fill(classLog, Double.NEGATIVE_INFINITY);
            for (int k = 0; k < logR.length; k++) {
                double a = classLog[classes[k]];
                double b = logR[k];
                double hi = Math.max(a, b);
                classLog[classes[k]] = hi == Double.NEGATIVE_INFINITY ? hi
                        : hi + Math.log(Math.exp(a - hi) + Math.exp(b - hi));
            }
            int best = 0;
            for (int k = 1; k < classLog.length; k++) {
                best = classLog[k] > classLog[best] ? k : best;
            }
            hits += best == c ? 1 : 0;
        }
        return (double) hits / n;
    }
}
