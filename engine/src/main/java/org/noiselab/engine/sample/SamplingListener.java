package org.noiselab.engine.sample;

/**
 * Observer of a running sampler. {@link #onStep} is called on the sampling thread after every step; the sampler makes
 * the copy of the state only when the listener asks for it. {@link #cancelled()} is polled between steps.
 */
public interface SamplingListener {

    /** A listener that records nothing. */
    SamplingListener NONE = new SamplingListener() {
        @Override
        public boolean wantsSteps() {
            return false;
        }

        @Override
        public void onStep(SamplingStep step) {
        }
    };

    /** Whether {@link #onStep} should receive states (copies cost memory). */
    default boolean wantsSteps() {
        return true;
    }

    /** Called once before the first step with the initial noise (step index 0), when {@link #wantsSteps()}. */
    default void onStart(SamplingStep initial) {
    }

    /** Called after each step with a copy of the state. */
    void onStep(SamplingStep step);

    /** Cooperative cancellation: return {@code true} to stop the sampler with a {@link SamplingCancelledException}. */
    default boolean cancelled() {
        return false;
    }
}
