package org.noiselab.engine.likelihood;

import java.util.SplittableRandom;
import org.noiselab.engine.InvalidConfigException;

/**
 * The truncated logistic distribution of log-SNR values used to integrate over noise levels (Kong, Brekelmans, Ver
 * Steeg 2023, {@code logistic_integrate}; CDL uses clip 3): {@code u ~ U(0, 1)}, {@code p = sigmoid(-c) +
 * (sigmoid(c) - sigmoid(-c)) u}, {@code lambda = loc + scale logit(p)}, so {@code lambda} lies in {@code loc +- c
 * scale}, with importance weight (the inverse density)
 * <pre>
 *   w(lambda) = scale tanh(c / 2) / (sigmoid(v) sigmoid(-v)),   v = (lambda - loc) / scale.
 * </pre>
 *
 * @param loc   centre ({@code -mean(log v_j)} of the data variances)
 * @param scale spread (3 for {@code d <= 2}, else {@code sqrt(1 + 3/pi var(log v_j))})
 * @param clip  truncation in units of scale
 */
public record LogSnrProposal(double loc, double scale, double clip) {

    /** CDL's truncation. */
    public static final double DEFAULT_CLIP = 3;

    public LogSnrProposal {
        if (!Double.isFinite(loc)) {
            throw new InvalidConfigException("loc", loc, "must be finite");
        }
        if (!(scale > 0 && scale < 1e3)) {
            throw new InvalidConfigException("scale", scale, "must be positive");
        }
        if (!(clip > 0 && clip < 50)) {
            throw new InvalidConfigException("clip", clip, "must lie in (0, 50)");
        }
    }

    /**
     * The proposal for data with per-dimension variances {@code v_j}: {@code loc = -mean(log v)}, {@code scale = 3} in
     * one or two dimensions, else {@code sqrt(1 + 3/pi var(log v))} (the CDL reference's {@code dataset_info}).
     */
    public static LogSnrProposal forVariances(double[] variances) {
        int d = variances.length;
        double mean = 0;
        for (double v : variances) {
            mean += Math.log(v);
        }
        mean /= d;
        double var = 0;
        for (double v : variances) {
            var += (Math.log(v) - mean) * (Math.log(v) - mean);
        }
        var /= d;
        double scale = d <= 2 ? 3.0 : Math.sqrt(1 + 3 / Math.PI * var);
        return new LogSnrProposal(-mean, scale, DEFAULT_CLIP);
    }

    /** One draw. */
    public double sample(SplittableRandom rng) {
        double lo = sigmoid(-clip);
        double p = lo + (sigmoid(clip) - lo) * rng.nextDouble();
        return loc + scale * Math.log(p / (1 - p));
    }

    /** The importance weight {@code 1 / density} at {@code lambda}. */
    public double weight(double lambda) {
        double v = (lambda - loc) / scale;
        return scale * Math.tanh(clip / 2) / (sigmoid(v) * sigmoid(-v));
    }

    /** The largest log-SNR the proposal can draw. */
    public double max() {
        return loc + clip * scale;
    }

    /** The smallest log-SNR the proposal can draw. */
    public double min() {
        return loc - clip * scale;
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }
}
