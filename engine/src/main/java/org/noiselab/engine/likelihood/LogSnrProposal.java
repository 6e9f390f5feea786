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
 * <p>For evaluation a share {@code s} of the draws may come from the uniform distribution on the same range
 * (defensive importance sampling, Hesterberg 1995): the density is {@code q = s / (2 c scale) + (1 - s) p_logistic},
 * so no weight exceeds {@code 2 c scale / s}, and the estimate no longer hinges on rare draws with huge weights where
 * the logistic is thin but the integrand is not (the high log-SNRs at which a toy's narrow components are resolved).
 * With {@code s = 0} (training) every draw consumes the random stream exactly as the CDL reference's sampler does.
 *
 * @param loc          centre ({@code -mean(log v_j)} of the data variances)
 * @param scale        spread (3 for {@code d <= 2}, else {@code sqrt(1 + 3/pi var(log v_j))})
 * @param clip         truncation in units of scale
 * @param uniformShare the share {@code s} of uniform draws, in [0, 1)
 */
public record LogSnrProposal(double loc, double scale, double clip, double uniformShare) {

    /** CDL's truncation, used for training (the ITD and CDL losses) as the CDL reference does. */
    public static final double DEFAULT_CLIP = 3;

    /**
     * The truncation for likelihood evaluation on toys, chosen by measurement: with it the exact denoiser's estimate is
     * within 0.05 nats of the exact NLL on every toy (1000 points, 1000 draws each; docs/likelihood.md). CDL's clip 3
     * cuts log-SNR at about 9 on the standardised dino, below where its narrow components are resolved.
     */
    public static final double EVALUATION_CLIP = 6;

    /** The widest truncation: beyond it {@code sigmoid(clip)} rounds to 1 long before the range is of any use. */
    public static final double MAX_CLIP = 20;

    /**
     * The evaluation proposal's uniform share, chosen by measurement with {@link #EVALUATION_CLIP}
     * (docs/likelihood.md).
     */
    public static final double EVALUATION_UNIFORM_SHARE = 0.5;

    /** The truncated logistic alone (the CDL reference's proposal). */
    public LogSnrProposal(double loc, double scale, double clip) {
        this(loc, scale, clip, 0);
    }

    public LogSnrProposal {
        if (!Double.isFinite(loc)) {
            throw new InvalidConfigException("loc", loc, "must be finite");
        }
        if (!(scale > 0 && scale < 1e3)) {
            throw new InvalidConfigException("scale", scale, "must be positive");
        }
        if (!(clip > 0 && clip <= MAX_CLIP)) {
            throw new InvalidConfigException("clip", clip, "must lie in (0, " + (int) MAX_CLIP + "]");
        }
        if (!(uniformShare >= 0 && uniformShare < 1)) {
            throw new InvalidConfigException("uniformShare", uniformShare, "must lie in [0, 1)");
        }
    }

    /**
     * The proposal for data with per-dimension variances {@code v_j}: {@code loc = -mean(log v)}, {@code scale = 3} in
     * one or two dimensions, else {@code sqrt(1 + 3/pi var(log v))} (the CDL reference's {@code dataset_info}).
     */
    public static LogSnrProposal forVariances(double[] variances) {
        return forVariances(variances, DEFAULT_CLIP);
    }

    /** {@link #forVariances(double[])} with another truncation {@code clip}. */
    public static LogSnrProposal forVariances(double[] variances, double clip) {
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
        return new LogSnrProposal(-mean, scale, clip);
    }

    /** The evaluation proposal for data with per-dimension variances: clip and uniform share as measured. */
    public static LogSnrProposal forEvaluation(double[] variances) {
        return forVariances(variances, EVALUATION_CLIP).withUniformShare(EVALUATION_UNIFORM_SHARE);
    }

    /** The same range with another uniform share. */
    public LogSnrProposal withUniformShare(double share) {
        return new LogSnrProposal(loc, scale, clip, share);
    }

    /** One draw: one uniform from the stream, whichever component it lands in. */
    public double sample(SplittableRandom rng) {
        double u = rng.nextDouble();
        if (uniformShare > 0) {
            if (u < uniformShare) {
                return min() + (max() - min()) * (u / uniformShare);
            }
            u = (u - uniformShare) / (1 - uniformShare);
        }
        double lo = sigmoid(-clip);
        double p = lo + (sigmoid(clip) - lo) * u;
        return loc + scale * Math.log(p / (1 - p));
    }

    /** The importance weight {@code 1 / density} at {@code lambda}. */
    public double weight(double lambda) {
        double v = (lambda - loc) / scale;
        if (uniformShare == 0) {
            return scale * Math.tanh(clip / 2) / (sigmoid(v) * sigmoid(-v)); // as training has always computed it
        }
        double logistic = sigmoid(v) * sigmoid(-v) / (scale * Math.tanh(clip / 2));
        return 1 / (uniformShare / (max() - min()) + (1 - uniformShare) * logistic);
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
