package org.noiselab.engine.model;

import org.jspecify.annotations.Nullable;

/**
 * A denoiser with a flat parameter buffer and an explicit backward pass.
 *
 * <p>Call order: {@link #forwardForTraining} on a batch, then {@link #backward} with {@code dLoss/d eps_hat} for that
 * batch; {@link #gradients()} then holds {@code dLoss/d theta} (overwritten, not accumulated). The optimiser updates
 * {@link #parameters()} in place. {@link #predictEps} may be called at any time, but invalidates the cached forward.
 */
public interface TrainableDenoiser extends Denoiser, TrainableModel {

    /** Forward pass that keeps the activations needed by {@link #backward}. */
    void forwardForTraining(float[] x, float[] logSnr, @Nullable int[] labels, int n, float[] out);

    /** Back-propagates {@code dLoss/d eps_hat} ({@code n * dim()} values) of the last training forward pass. */
    void backward(float[] gradOut);

    @Override
    TrainableDenoiser withParameters(float[] parameters);
}
