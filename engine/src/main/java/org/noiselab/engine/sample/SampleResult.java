package org.noiselab.engine.sample;

/**
 * Final samples.
 *
 * @param points      row-major, {@code n * dim} values
 * @param n           number of samples
 * @param dim         dimension of one sample
 * @param evaluations number of denoiser evaluations per sample (NFE)
 */
public record SampleResult(float[] points, int n, int dim, int evaluations) {
}
