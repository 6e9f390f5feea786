package org.noiselab.engine.metric;

import java.util.SplittableRandom;
import org.noiselab.engine.model.NoiseLevelClassifier;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.toys.ToyDataset;

/**
 * How well a noise-level classifier does its two jobs, measured on fresh draws as in the CDM paper's table 1:
 * {@code x_0} from the data, {@code t ~ U{0..T+1}}, {@code x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps}; then the
 * accuracy of {@code argmax_t' f(x_t)[t']}, the mean cross-entropy {@code -log p(t | x_t)}, the mean squared error
 * {@code |eps - eps_hat|^2} of its Theorem 3.1 denoiser, and a confusion matrix over equal bins of levels.
 *
 * @param n            draws
 * @param accuracy     fraction of draws whose level is the arg-max
 * @param crossEntropy mean {@code -log p(t | x_t)} (nats)
 * @param squaredError mean {@code |eps - eps_hat|^2} (summed over dimensions)
 * @param bins         bins per axis of the confusion matrix
 * @param confusion    {@code bins x bins} counts, row = true level's bin, column = predicted level's bin
 */
public record ClassifierEvaluation(int n, double accuracy, double crossEntropy, double squaredError, int bins,
                                   long[] confusion) {

    private static final int CHUNK = 1000;

    /** Evaluates a classifier on n draws from a dataset with a fixed seed. */
    public static ClassifierEvaluation evaluate(NoiseLevelClassifier classifier, NoiseSchedule schedule,
                                                ToyDataset data, int n, int bins, long seed) {
        int levels = classifier.levels();
        if (levels != schedule.steps() + 2) {
            throw new IllegalArgumentException("classifier has " + levels + " levels, the schedule needs "
                    + (schedule.steps() + 2));
        }
        if (n < 1 || bins < 1 || bins > levels) {
            throw new IllegalArgumentException("need n >= 1 and 1 <= bins <= " + levels);
        }
        int d = classifier.dim();
        float[] all = data.sample(n, seed).pointsAsFloats();
        SplittableRandom rng = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        long[] confusion = new long[bins * bins];
        long correct = 0;
        double ce = 0;
        double se = 0;
        float[] logits = new float[CHUNK * levels];
        for (int start = 0; start < n; start += CHUNK) {
            int m = Math.min(CHUNK, n - start);
            int[] t = new int[m];
            float[] level = new float[m];
            float[] eps = new float[m * d];
            float[] xt = new float[m * d];
            for (int i = 0; i < m; i++) {
                t[i] = rng.nextInt(levels);
                level[i] = t[i];
                double a = Math.sqrt(schedule.alphaBar(t[i]));
                double s = schedule.sigma(t[i]);
                for (int j = 0; j < d; j++) {
                    int k = i * d + j;
                    eps[k] = (float) rng.nextGaussian();
                    xt[k] = (float) (a * all[(start + i) * d + j] + s * eps[k]);
                }
            }
            classifier.logits(xt, null, m, logits);
            float[] gap = new float[m * d];
            classifier.levelGapGradient(xt, level, null, m, gap);
            for (int i = 0; i < m; i++) {
                int row = i * levels;
                int best = 0;
                double max = Double.NEGATIVE_INFINITY;
                for (int u = 0; u < levels; u++) {
                    if (logits[row + u] > max) {
                        max = logits[row + u];
                        best = u;
                    }
                }
                double sum = 0;
                for (int u = 0; u < levels; u++) {
                    sum += Math.exp(logits[row + u] - max);
                }
                ce += Math.log(sum) - (logits[row + t[i]] - max);
                correct += best == t[i] ? 1 : 0;
                confusion[binOf(t[i], levels, bins) * bins + binOf(best, levels, bins)]++;
                double s = schedule.sigma(t[i]);
                for (int j = 0; j < d; j++) {
                    int k = i * d + j;
                    double diff = s * (gap[k] + xt[k]) - eps[k];
                    se += diff * diff;
                }
            }
        }
        return new ClassifierEvaluation(n, (double) correct / n, ce / n, se / n, bins, confusion);
    }

    /** The bin of a level when {@code levels} levels are cut into {@code bins} equal bins. */
    public static int binOf(int level, int levels, int bins) {
        return (int) ((long) level * bins / levels);
    }

    /** Row {@code trueBin} of the confusion matrix as fractions of its draws (zeros for an empty row). */
    public double[] confusionRow(int trueBin) {
        double[] row = new double[bins];
        long total = 0;
        for (int c = 0; c < bins; c++) {
            total += confusion[trueBin * bins + c];
        }
        for (int c = 0; c < bins && total > 0; c++) {
            row[c] = (double) confusion[trueBin * bins + c] / total;
        }
        return row;
    }
}
