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
                             double emaDecay) {

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
    }

    public TrainingConfig withSteps(int s) {
        return new TrainingConfig(s, batchSize, learningRate, optimizer, emaDecay);
    }

    public TrainingConfig withBatchSize(int b) {
        return new TrainingConfig(steps, b, learningRate, optimizer, emaDecay);
    }

    public TrainingConfig withLearningRate(LearningRateSchedule lr) {
        return new TrainingConfig(steps, batchSize, lr, optimizer, emaDecay);
    }

    public TrainingConfig withOptimizer(AdamWSpec o) {
        return new TrainingConfig(steps, batchSize, learningRate, o, emaDecay);
    }

    public TrainingConfig withEmaDecay(double d) {
        return new TrainingConfig(steps, batchSize, learningRate, optimizer, d);
    }
}
