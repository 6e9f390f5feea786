package org.noiselab.engine.train;

/**
 * What one optimiser step produced; immutable, safe to publish to other threads.
 *
 * @param step         1-based step just completed
 * @param totalSteps   the run's step budget
 * @param loss         batch loss
 * @param learningRate rate used
 * @param gradientNorm global gradient norm before clipping
 * @param elapsedNanos wall time of the step
 */
public record StepReport(int step, int totalSteps, double loss, double learningRate, double gradientNorm,
                         long elapsedNanos) {
}
