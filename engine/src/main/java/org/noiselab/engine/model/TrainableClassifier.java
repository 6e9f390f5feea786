package org.noiselab.engine.model;

import org.jspecify.annotations.Nullable;

/**
 * A noise-level classifier that can be trained through both of its outputs: the logits and the input gradient of the
 * level gap. The CDM loss needs the second, so {@link #backward} differentiates an input gradient with respect to the
 * parameters (double back-propagation).
 *
 * <p>Call order: {@link #forwardForTraining} on a batch, then {@link #backward}; {@link #gradients()} then holds
 * {@code d/d theta [sum gradLogits . f(x) + sum gradGap . grad_x F(x, t)]} (overwritten, not accumulated).
 */
public interface TrainableClassifier extends NoiseLevelClassifier, TrainableModel {

    /**
     * Forward pass at integer levels, keeping what {@link #backward} needs.
     *
     * @param levels   one level {@code t in 0..T+1} per row
     * @param logits   {@code n * levels()} values to fill with {@code f(x)}
     * @param gapGradient {@code n * dim()} values to fill with {@code grad_x F(x, t)}
     */
    void forwardForTraining(float[] x, int[] levels, @Nullable int[] labels, int n, float[] logits,
                            float[] gapGradient);

    /**
     * Back-propagates cotangents of both outputs of the last training forward pass into {@link #gradients()}.
     *
     * @param gradLogits  {@code dLoss / d f}, {@code n * levels()} values
     * @param gradGap     {@code dLoss / d grad_x F}, {@code n * dim()} values
     */
    void backward(float[] gradLogits, float[] gradGap);

    /**
     * Index in {@link #parameters()} of the first bias of the read-out, the layer before the fixed cumulative sum:
     * logit {@code t} is {@code sum_{k <= t} r_k}, so adding {@code delta_t} to every logit {@code t} is adding
     * {@code delta_t - delta_{t-1}} to read-out bias {@code t}.
     */
    int readoutBiasOffset();

    @Override
    TrainableClassifier withParameters(float[] parameters);
}
