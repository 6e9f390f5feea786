package org.noiselab.app.service;

import org.noiselab.engine.metric.ScoreErrorGrid;

/**
 * A computed score-error grid with what it was computed for.
 *
 * @param spec         where it was evaluated
 * @param choice       which model
 * @param modelStep    training step of the weights
 * @param grid         model and oracle predictions
 * @param computeNanos time the analysis thread spent
 */
public record ScoreGridResult(GridSpec spec, ModelChoice choice, int modelStep, ScoreErrorGrid grid,
                              long computeNanos) {
}
