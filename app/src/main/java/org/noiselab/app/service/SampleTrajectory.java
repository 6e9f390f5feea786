package org.noiselab.app.service;

import java.util.List;
import org.noiselab.engine.sample.SamplerSpec;
import org.noiselab.engine.sample.SamplingStep;

/**
 * A sampling run recorded step by step: frame 0 is the initial noise, frame k the state after step k.
 *
 * @param sampler     the sampler used
 * @param choice      the model
 * @param frames      states, each {@code n * dim} values
 * @param alphaBars   noise level of each frame
 * @param n           samples
 * @param dim         dimension
 * @param evaluations model evaluations per sample
 */
public record SampleTrajectory(SamplerSpec sampler, ModelChoice choice, List<float[]> frames, double[] alphaBars, int n,
                               int dim, int evaluations) {

    /** Frames recorded from a sampler: the initial noise, then every step. */
    static SampleTrajectory of(SamplerSpec sampler, ModelChoice choice, List<SamplingStep> steps, int n, int dim,
                               int evaluations) {
        List<float[]> frames = new java.util.ArrayList<>(steps.size());
        double[] alphaBars = new double[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            frames.add(steps.get(i).points());
            alphaBars[i] = steps.get(i).alphaBar();
        }
        return new SampleTrajectory(sampler, choice, List.copyOf(frames), alphaBars, n, dim, evaluations);
    }

    /** The final samples. */
    public float[] last() {
        return frames.get(frames.size() - 1);
    }
}
