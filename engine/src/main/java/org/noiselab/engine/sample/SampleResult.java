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

    /**
     * These samples, or an {@link IllegalArgumentException} naming the first non-finite one: what a diverged model or
     * sampler produces must not be written or scored as if it were a sample.
     */
    public SampleResult requireFinite() {
        for (int i = 0; i < points.length; i++) {
            if (!Float.isFinite(points[i])) {
                throw new IllegalArgumentException("sample " + i / dim + " of " + n + " holds " + points[i]
                        + ": the model's output is not finite (nothing was written)");
            }
        }
        return this;
    }
}
