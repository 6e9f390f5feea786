package org.noiselab.engine.sample;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.model.Denoiser;

/**
 * The mutable state of one sampling run, shared by the samplers: the current points, the seeded noise source, scratch
 * buffers for model calls, the evaluation count, and publication of steps to the listener.
 */
final class SamplerRun {

    final int n;
    final int dim;
    final float[] x;
    final float[] eps;
    private final float[] logSnr;
    private final int @Nullable [] labels;
    private final Denoiser denoiser;
    private final SplittableRandom rng;
    private final SamplingListener listener;
    private int evaluations;

    SamplerRun(DiffusionProblem problem, SamplingRequest request, SamplingListener listener) {
        this.denoiser = problem.denoiser();
        this.n = request.n();
        this.dim = denoiser.dim();
        this.x = new float[n * dim];
        this.eps = new float[n * dim];
        this.logSnr = new float[n];
        this.labels = request.labels();
        this.rng = new SplittableRandom(request.seed());
        this.listener = listener;
        fillGaussian(x);
    }

    /** Fills {@code target} with independent standard normal draws from the run's seeded stream. */
    void fillGaussian(float[] target) {
        for (int i = 0; i < target.length; i++) {
            target[i] = (float) rng.nextGaussian();
        }
    }

    /** One standard normal draw. */
    double gaussian() {
        return rng.nextGaussian();
    }

    /** {@code eps = eps_hat(points, lambda)} for every row at one log-SNR. */
    void predict(float[] points, double lambda) {
        Arrays.fill(logSnr, (float) lambda);
        denoiser.predictEps(points, logSnr, labels, n, eps);
        evaluations++;
    }

    /** Announces the initial noise (step 0 of {@code total}, at noise level {@code alphaBar}) to the listener. */
    void start(int total, double alphaBar) {
        if (listener.wantsSteps()) {
            listener.onStart(new SamplingStep(0, total, alphaBar, x.clone(), dim));
        }
    }

    /** Publishes the state after step {@code index} of {@code total} and honours cancellation. */
    void publish(int index, int total, double alphaBar) {
        if (listener.cancelled()) {
            throw new SamplingCancelledException(index);
        }
        if (listener.wantsSteps()) {
            listener.onStep(new SamplingStep(index, total, alphaBar, x.clone(), dim));
        }
    }

    SampleResult result() {
        return new SampleResult(x.clone(), n, dim, evaluations);
    }

    /**
     * The evenly respaced subsequence {@code tau_1 < ... < tau_K} of {@code 1..T}, {@code tau_i = round(i T / K)},
     * with {@code tau_0 = 0} prepended (clean data, {@code abar = 1}).
     */
    static int[] respacedSteps(int trainingSteps, int samplingSteps) {
        if (samplingSteps > trainingSteps) {
            throw new org.noiselab.engine.InvalidConfigException("steps", samplingSteps,
                    "cannot exceed the model's " + trainingSteps + " training steps");
        }
        int[] tau = new int[samplingSteps + 1];
        for (int i = 1; i <= samplingSteps; i++) {
            tau[i] = (int) Math.round((double) i * trainingSteps / samplingSteps);
        }
        return tau;
    }
}
