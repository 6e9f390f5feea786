package org.noiselab.engine.train;

import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.optim.AdamWSpec;
import org.noiselab.engine.optim.LearningRateSchedule;

/**
 * How to train: step budget, batch size, learning-rate schedule, optimiser and EMA.
 *
 * @param steps        optimiser steps of the run
 * @param batchSize    points per step
 * @param learningRate learning-rate schedule
 * @param optimizer    AdamW settings with gradient clipping
 * @param emaDecay     decay of the parameter EMA used for sampling
 */
public record TrainingConfig(int steps, int batchSize, LearningRateSchedule learningRate, AdamWSpec optimizer,
                             double emaDecay, double labelDropout) {

    /**
     * Default probability that a conditional model sees a training point with the null class instead of its own
     * (classifier-free guidance, Ho and Salimans 2022: p_uncond = 0.1). Unconditional models ignore it.
     */
    public static final double DEFAULT_LABEL_DROPOUT = 0.1;

    /** The toy defaults: 20k steps of 512 points, lr 1e-3 with 500 warm-up steps and cosine decay to 5%. */
    public static final TrainingConfig TOY_DEFAULT = new TrainingConfig(20_000, 512,
            new LearningRateSchedule(1e-3, 500, true, 0.05), AdamWSpec.DEFAULT, 0.999);

    public TrainingConfig {
        if (steps < 1 || steps > 100_000_000) {
            throw new InvalidConfigException("steps", steps, "must lie in 1..100000000");
        }
        if (batchSize < 1 || batchSize > 1_000_000) {
            throw new InvalidConfigException("batch", batchSize, "must lie in 1..1000000");
        }
        if (learningRate == null || optimizer == null) {
            throw new InvalidConfigException("optimizer", null, "learning rate and optimiser are required");
        }
        if (!(emaDecay >= 0 && emaDecay < 1)) {
            throw new InvalidConfigException("emaDecay", emaDecay, "must lie in [0, 1)");
        }
        if (!(labelDropout >= 0 && labelDropout <= 1)) {
            throw new InvalidConfigException("labelDropout", labelDropout, "must lie in [0, 1]");
        }
    }

    /** A configuration with the default label dropout. */
    public TrainingConfig(int steps, int batchSize, LearningRateSchedule learningRate, AdamWSpec optimizer,
                          double emaDecay) {
        this(steps, batchSize, learningRate, optimizer, emaDecay, DEFAULT_LABEL_DROPOUT);
    }

    public TrainingConfig withSteps(int s) {
        return new TrainingConfig(s, batchSize, learningRate, optimizer, emaDecay, labelDropout);
    }

    public TrainingConfig withBatchSize(int b) {
        return new TrainingConfig(steps, b, learningRate, optimizer, emaDecay, labelDropout);
    }

    public TrainingConfig withLearningRate(LearningRateSchedule lr) {
        return new TrainingConfig(steps, batchSize, lr, optimizer, emaDecay, labelDropout);
    }

    public TrainingConfig withOptimizer(AdamWSpec o) {
        return new TrainingConfig(steps, batchSize, learningRate, o, emaDecay, labelDropout);
    }

    public TrainingConfig withEmaDecay(double d) {
        return new TrainingConfig(steps, batchSize, learningRate, optimizer, d, labelDropout);
    }

    public TrainingConfig withLabelDropout(double p) {
        return new TrainingConfig(steps, batchSize, learningRate, optimizer, emaDecay, p);
    }
}
