package org.noiselab.engine.model;

/**
 * A network with a flat parameter buffer and a matching gradient buffer: what the optimiser, the EMA and checkpoints
 * see of any model. How the gradient is produced (a denoiser's backward pass, a classifier's double backward) is up to
 * the sub-interface.
 */
public interface TrainableModel {

    /** The architecture, enough to rebuild the model from a parameter vector. */
    ModelSpec spec();

    /** The live parameter vector (not a copy). */
    float[] parameters();

    /** The live gradient vector, same layout as {@link #parameters()}. */
    float[] gradients();

    /** A new, independent model of the same architecture holding a copy of the given parameters. */
    TrainableModel withParameters(float[] parameters);
}
