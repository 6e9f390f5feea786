package org.noiselab.engine.sample;

/** Observer of a Picard run, called on the sampling thread after every iteration. */
public interface PicardListener {

    /** Records nothing. */
    PicardListener NONE = iteration -> { };

    /** After each iteration. */
    void onIteration(PicardIteration iteration);

    /** Polled between iterations; {@code true} stops the run with a {@link SamplingCancelledException}. */
    default boolean cancelled() {
        return false;
    }
}
