package org.noiselab.engine.sample;

/**
 * A reverse-process solver. Problem (denoiser and schedule), solver (this) and observer ({@link SamplingListener}) are
 * separate, as in Hipparchus's ODE integrators. Every sampler works with any {@link
 * org.noiselab.engine.model.Denoiser}, including the exact oracle, and is deterministic for a given seed.
 */
public interface Sampler {

    /** The spec this sampler was built from. */
    SamplerSpec spec();

    /**
     * Draws samples. Runs on the calling thread; the listener sees every step.
     *
     * @throws SamplingCancelledException when the listener asks to stop
     */
    SampleResult sample(DiffusionProblem problem, SamplingRequest request, SamplingListener listener);

    /** Draws samples without observing them. */
    default SampleResult sample(DiffusionProblem problem, SamplingRequest request) {
        return sample(problem, request, SamplingListener.NONE);
    }
}
