package org.noiselab.engine.sample;

/** Thrown by a sampler whose listener asked it to stop. */
public final class SamplingCancelledException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SamplingCancelledException(int step) {
        super("sampling cancelled after step " + step);
    }
}
