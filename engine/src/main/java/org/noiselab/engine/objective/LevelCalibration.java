package org.noiselab.engine.objective;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.data.TrainingData;
import org.noiselab.engine.kernel.Parallelism;
import org.noiselab.engine.model.NoiseLevelClassifier;
import org.noiselab.engine.model.TrainableClassifier;
import org.noiselab.engine.schedule.NoiseSchedule;

/**
 * The last step of training a classification diffusion model (Yadin, Elata and Michaeli 2024): the cross-entropy
 * over noise levels minimised exactly over one offset per level, the network frozen.
 *
 * <p>With logits {@code f_s(x) + delta_s}, the cross-entropy of a sample with {@code m} noised points per level
 * ({@code t = 0..T+1}, {@code x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps}, {@code abar_0 = 1},
 * {@code abar_{T+1} = 0}) is convex in {@code delta}, and its minimum is where every level's mean posterior over the
 * sample equals its share, {@code 1 / (T+2)}. The fixed-point iteration
 * {@code delta_s <- delta_s + log((1/(T+2)) / mean_x p(s | x))} (the prior re-estimation of Saerens, Latinne and
 * Decaestecker 2002) reaches it. Why this step: the offsets of the two extreme levels decide the single-pass
 * likelihood (Theorem 3.2, {@code log p(x) = f_0(x) - f_{T+1}(x) - ...}), and stochastic training leaves them a few
 * hundredths of a nat off, since each level gets about {@code B / (T+2)} samples per batch (docs/experiments/cdm.md).
 * The offsets do not change the input gradients, so the denoiser and every sampler are unaffected.
 *
 * <p>The offsets are folded into the read-out biases before the fixed cumulative sum
 * ({@link TrainableClassifier#readoutBiasOffset()}).
 */
public final class LevelCalibration {

    /** Largest number of stored logits ({@code (T+2)^2 m}): 256 MB of floats. */
    public static final long MAX_LOGITS = 64L << 20;
    /** The iteration stops when no offset moves by more than this (nats). */
    public static final double TOLERANCE = 1e-6;
    /** Most iterations. */
    public static final int MAX_ITERATIONS = 500;
    /** Draws per level when none are asked for: about 0.02 nats of sampling error on a toy's likelihood. */
    public static final int DEFAULT_DRAWS_PER_LEVEL = 64;

    /**
     * What the calibration did.
     *
     * @param offsets            {@code delta_s}, with {@code delta_0 = 0}
     * @param likelihoodShift    change of every single-pass log-density, {@code delta_0 - delta_{T+1}} (nats)
     * @param crossEntropyBefore the sample's cross-entropy with the trained offsets (nats)
     * @param crossEntropyAfter  its minimum (nats)
     * @param iterations         fixed-point iterations used
     * @param lastStep           the largest offset change of the last iteration (below {@link #TOLERANCE} when
     *                           converged)
     */
    public record Result(double[] offsets, double likelihoodShift, double crossEntropyBefore,
                         double crossEntropyAfter, int iterations, double lastStep) {

        /** Whether the iteration stopped because the offsets no longer moved. */
        public boolean converged() {
            return lastStep < TOLERANCE;
        }

        /** One line for logs: iterations, cross-entropy before and after, the likelihood shift. */
        public String describe() {
            return String.format("%d iterations%s: cross-entropy %.5f -> %.5f, single-pass log-density %+.4f nats",
                    iterations, converged() ? "" : String.format(" (stopped, last step %.2g nats)", lastStep),
                    crossEntropyBefore, crossEntropyAfter, likelihoodShift);
        }
    }

    private LevelCalibration() {
    }

    /**
     * Solves for the offsets on {@code perLevel} fresh training draws per level.
     *
     * @throws InvalidConfigException when {@code perLevel} is below 1 or would store more than {@link #MAX_LOGITS}
     *                                logits, or the classifier is conditional
     */
    public static Result solve(NoiseLevelClassifier classifier, NoiseSchedule schedule, TrainingData data, int perLevel,
                               SplittableRandom rng) {
        int levels = classifier.levels();
        if (classifier.classCount() > 0) {
            throw new InvalidConfigException("calibration", classifier.classCount() + " classes",
                    "level calibration is for unconditional classifiers");
        }
        checkDraws("draws per level", levels, perLevel);
        int dim = classifier.dim();
        int n = levels * perLevel;
        float[] x = noisedDraws(schedule, data, levels, perLevel, dim, rng);
        float[] logits = new float[n * levels];
        int chunk = 2048;
        float[] rows = new float[chunk * levels];
        for (int start = 0; start < n; start += chunk) {
            int k = Math.min(chunk, n - start);
            classifier.logits(Arrays.copyOfRange(x, start * dim, (start + k) * dim), null, k, rows);
            System.arraycopy(rows, 0, logits, start * levels, k * levels);
        }
        double[] delta = new double[levels];
        double before = Double.NaN;
        double after = Double.NaN;
        int iteration = 0;
        double largest = Double.POSITIVE_INFINITY;
        while (iteration < MAX_ITERATIONS) {
            double[] mean = new double[levels];
            double ce = meanPosteriors(logits, n, levels, perLevel, delta, mean);
            if (iteration == 0) {
                before = ce;
            }
            after = ce;
            iteration++;
            largest = 0;
            for (int s = 0; s < levels; s++) {
                double step = Math.log(1.0 / levels / Math.max(mean[s], Double.MIN_NORMAL));
                delta[s] += step;
                largest = Math.max(largest, Math.abs(step));
            }
            if (largest < TOLERANCE) {
                break;
            }
        }
        double first = delta[0];
        for (int s = 0; s < levels; s++) {
            delta[s] -= first;
        }
        return new Result(delta, delta[0] - delta[levels - 1], before, after, iteration, largest);
    }

    /**
     * Refuses a number of draws per level below 1 or above what {@link #MAX_LOGITS} allows for the levels.
     *
     * @throws InvalidConfigException naming the allowed range
     */
    public static void checkDraws(String option, int levels, int perLevel) {
        if (perLevel < 1 || perLevel > maxDraws(levels)) {
            throw new InvalidConfigException(option, perLevel, "must lie in 1.." + maxDraws(levels) + " for "
                    + levels + " levels");
        }
    }

    /**
     * As {@link #checkDraws}, where 0 means "no calibration" and is allowed too.
     *
     * @throws InvalidConfigException naming the allowed values
     */
    public static void checkDrawsOrOff(String option, int levels, int perLevel) {
        if (perLevel != 0 && (perLevel < 1 || perLevel > maxDraws(levels))) {
            throw new InvalidConfigException(option, perLevel, "must be 0 (off) or lie in 1.." + maxDraws(levels)
                    + " for " + levels + " levels");
        }
    }

    /** The most draws per level whose logits fit in {@link #MAX_LOGITS}. */
    private static long maxDraws(int levels) {
        return MAX_LOGITS / ((long) levels * levels);
    }

    /** The parameters with the offsets folded into the read-out biases: {@code b_t += delta_t - delta_{t-1}}. */
    public static float[] fold(TrainableClassifier classifier, float[] parameters, double[] offsets) {
        if (offsets.length != classifier.levels()) {
            throw new IllegalArgumentException(offsets.length + " offsets for " + classifier.levels() + " levels");
        }
        float[] out = parameters.clone();
        int bias = classifier.readoutBiasOffset();
        for (int t = 0; t < offsets.length; t++) {
            out[bias + t] += (float) (offsets[t] - (t == 0 ? 0 : offsets[t - 1]));
        }
        return out;
    }

    private static float[] noisedDraws(NoiseSchedule schedule, TrainingData data, int levels, int perLevel, int dim,
                                       SplittableRandom rng) {
        int n = levels * perLevel;
        float[] x = new float[n * dim];
        data.draw(n, rng.split(), x, null);
        int last = levels - 1;
        for (int t = 0; t < levels; t++) {
            double abar = t == 0 ? 1 : t == last ? 0 : schedule.alphaBar(t);
            double a = Math.sqrt(abar);
            double b = Math.sqrt(1 - abar);
            for (int i = t * perLevel * dim; i < (t + 1) * perLevel * dim; i++) {
                x[i] = (float) (a * x[i] + b * rng.nextGaussian());
            }
        }
        return x;
    }

    /** Fills each level's mean posterior over the sample and returns the sample's cross-entropy. */
    private static double meanPosteriors(float[] logits, int n, int levels, int perLevel, double[] delta,
                                         double[] mean) {
        int shares = Parallelism.shares(n);
        double[][] sums = new double[shares][levels];
        double[] ce = new double[shares];
        Parallelism.forRows(n, (share, from, to) -> {
            double[] acc = sums[share];
            double[] p = new double[levels];
            for (int r = from; r < to; r++) {
                int o = r * levels;
                double max = Double.NEGATIVE_INFINITY;
                for (int s = 0; s < levels; s++) {
                    p[s] = logits[o + s] + delta[s];
                    max = Math.max(max, p[s]);
                }
                double z = 0;
                for (int s = 0; s < levels; s++) {
                    p[s] = Math.exp(p[s] - max);
                    z += p[s];
                }
                for (int s = 0; s < levels; s++) {
                    acc[s] += p[s] / z;
                }
                int t = r / perLevel;
                ce[share] -= logits[o + t] + delta[t] - max - Math.log(z);
            }
        });
        double total = 0;
        for (int k = 0; k < shares; k++) {
            total += ce[k];
            for (int s = 0; s < levels; s++) {
                mean[s] += sums[k][s] / n;
            }
        }
        return total / n;
    }
}
