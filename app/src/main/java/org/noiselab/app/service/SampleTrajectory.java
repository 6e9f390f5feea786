package org.noiselab.app.service;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.metric.ClassSampleStats;
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
 * @param guidance    the class and guidance weight sampled, or {@code null} for unconditional samples
 * @param stats       what the samples of that class look like, or {@code null}
 * @param millis      wall time of the sampling itself
 */
public record SampleTrajectory(SamplerSpec sampler, ModelChoice choice, List<float[]> frames, double[] alphaBars, int n,
                               int dim, int evaluations, @Nullable Guidance guidance, @Nullable ClassSampleStats stats,
                               double millis) {

    /** Class-conditional sampling with classifier-free guidance weight {@code weight} (0: plain conditional). */
    public record Guidance(int label, double weight) {
    }

    /** Frames recorded from a sampler: the initial noise, then every step. */
    static SampleTrajectory of(SamplerSpec sampler, ModelChoice choice, List<SamplingStep> steps, int n, int dim,
                               int evaluations, @Nullable Guidance guidance, @Nullable ClassSampleStats stats,
                               double millis) {
        List<float[]> frames = new java.util.ArrayList<>(steps.size());
        double[] alphaBars = new double[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            frames.add(steps.get(i).points());
            alphaBars[i] = steps.get(i).alphaBar();
        }
        return new SampleTrajectory(sampler, choice, List.copyOf(frames), alphaBars, n, dim, evaluations, guidance,
                stats, millis);
    }

    /** The final samples. */
    public float[] last() {
        return frames.get(frames.size() - 1);
    }
}
