package org.noiselab.engine.sample;

import org.jspecify.annotations.Nullable;
import org.noiselab.engine.InvalidConfigException;

/**
 * How many points to draw and with which randomness.
 *
 * @param n      number of samples
 * @param seed   seed of every random draw (initial noise and per-step noise); equal seeds give equal noise
 * @param labels one class per sample for a conditional model, or {@code null}
 */
public record SamplingRequest(int n, long seed, int @Nullable [] labels) {

    /** The most samples one request may ask for. */
    public static final int MAX_SAMPLES = 10_000_000;

    public SamplingRequest {
        if (n < 1 || n > MAX_SAMPLES) {
            throw new InvalidConfigException("n", n, "must lie in 1.." + MAX_SAMPLES);
        }
        if (labels != null && labels.length != n) {
            throw new InvalidConfigException("labels", labels.length, "need one label per sample (" + n + ")");
        }
        labels = labels == null ? null : labels.clone();
    }

    /** Unconditional request. */
    public static SamplingRequest of(int n, long seed) {
        return new SamplingRequest(n, seed, null);
    }

    /** Every sample of one class. */
    public static SamplingRequest ofClass(int n, long seed, int label) {
        int[] labels = new int[n];
        java.util.Arrays.fill(labels, label);
        return new SamplingRequest(n, seed, labels);
    }
}
