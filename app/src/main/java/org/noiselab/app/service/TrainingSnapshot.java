package org.noiselab.app.service;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.train.TrainingSetup;

/**
 * What the UI shows of a training run, published (coalesced) from the training thread.
 *
 * @param setup          the run's full setup
 * @param state          running, paused, finished or diverged
 * @param step           steps completed
 * @param loss           mean loss of the most recent steps ({@code NaN} before the first)
 * @param learningRate   current learning rate
 * @param stepsPerSecond recent throughput
 * @param lossHistory    the loss of every step so far
 * @param model          the weights, for analysis
 * @param source         the checkpoint the run was opened from or last saved to, if any
 * @param unsaved        whether steps were taken since the last save
 * @param message        a status line for people ({@code null} when there is nothing to say)
 */
public record TrainingSnapshot(TrainingSetup setup, RunState state, int step, double loss, double learningRate,
                               double stepsPerSecond, float[] lossHistory, ModelSnapshot model, @Nullable Path source,
                               boolean unsaved, @Nullable String message) {

    public int totalSteps() {
        return setup.config().steps();
    }

    public double progress() {
        return (double) step / totalSteps();
    }
}
