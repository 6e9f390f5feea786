package org.noiselab.engine.sample;

/**
 * One published state of the reverse process: an immutable copy, safe to hand to another thread.
 *
 * @param index     1-based step just completed
 * @param total     number of steps
 * @param alphaBar  the noise level of {@code points} ({@code 1} once fully denoised)
 * @param points    row-major copy of the current state, {@code n * dim} values
 * @param dim       dimension of one point
 */
public record SamplingStep(int index, int total, double alphaBar, float[] points, int dim) {
}
