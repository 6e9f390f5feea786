package org.noiselab.engine.optim;

import org.noiselab.engine.InvalidConfigException;

/**
 * The learning rate as a pure function of the step: a linear warm-up over {@code warmupSteps}, then either constant or
 * a cosine decay to {@code finalFraction} of the peak at {@code totalSteps} (Loshchilov and Hutter 2017).
 *
 * @param peak          the learning rate after warm-up
 * @param warmupSteps   steps of linear warm-up from 0
 * @param cosine        whether to decay with a half cosine after warm-up
 * @param finalFraction the decayed rate at the last step, as a fraction of the peak
 */
public record LearningRateSchedule(double peak, int warmupSteps, boolean cosine, double finalFraction) {

    public LearningRateSchedule {
        if (!(peak > 0 && peak < 10)) {
            throw new InvalidConfigException("learningRate", peak, "must lie in (0, 10)");
        }
        if (warmupSteps < 0) {
            throw new InvalidConfigException("warmupSteps", warmupSteps, "must be >= 0");
        }
        if (!(finalFraction >= 0 && finalFraction <= 1)) {
            throw new InvalidConfigException("finalFraction", finalFraction, "must lie in [0, 1]");
        }
    }

    /** A constant rate. */
    public static LearningRateSchedule constant(double rate) {
        return new LearningRateSchedule(rate, 0, false, 1);
    }

    /** The rate at 1-based step {@code step} of {@code totalSteps}. */
    public double rate(int step, int totalSteps) {
        if (step <= warmupSteps) {
            return peak * step / Math.max(1, warmupSteps);
        }
        if (!cosine || totalSteps <= warmupSteps) {
            return peak;
        }
        double progress = Math.min(1, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
        double shape = 0.5 * (1 + Math.cos(Math.PI * progress));
        return peak * (finalFraction + (1 - finalFraction) * shape);
    }
}
