package org.noiselab.engine.model;

import org.jspecify.annotations.Nullable;

/**
 * An epsilon-prediction denoiser {@code eps_hat(x, lambda[, c])}: given points noised as
 * {@code x = sqrt(abar) x_0 + sqrt(1 - abar) eps} with log-SNR {@code lambda = logit(abar)}, predict {@code eps}.
 * The score follows as {@code s(x) = -eps_hat / sqrt(1 - abar)}.
 *
 * <p>Contract: points are flat row-major float arrays ({@code n * dim()} values); each row carries its own log-SNR,
 * so one call may mix noise levels (Picard iteration does). {@code labels} is {@code null} for an unconditional call;
 * otherwise one class per row, where {@link #nullClass()} means "no class" (classifier-free guidance). Implementations
 * may keep scratch buffers and are then not thread-safe: call a denoiser from one thread at a time.
 */
public interface Denoiser {

    /** Dimension of one point. */
    int dim();

    /** Number of classes the model is conditioned on; 0 for an unconditional model. */
    default int classCount() {
        return 0;
    }

    /** The label meaning "unconditional" for a conditional model. */
    default int nullClass() {
        return classCount();
    }

    /**
     * Writes {@code eps_hat} for n points into {@code out}.
     *
     * @param x      {@code n * dim()} noised points
     * @param logSnr {@code n} log-SNR values, one per row
     * @param labels {@code n} class labels, or {@code null} for unconditional
     * @param n      number of rows
     * @param out    {@code n * dim()} values to fill
     */
    void predictEps(float[] x, float[] logSnr, @Nullable int[] labels, int n, float[] out);
}
