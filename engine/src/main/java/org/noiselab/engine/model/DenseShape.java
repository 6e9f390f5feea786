package org.noiselab.engine.model;

/**
 * The shape every dense network of the engine shares: an input layer, {@code depth} hidden layers of {@code width}
 * units with one non-linearity, a linear read-out, and an optional learned class table added to the first
 * pre-activation. {@link MlpLayout} places such a network in one flat parameter vector.
 */
public interface DenseShape {

    /** Hidden units per layer. */
    int width();

    /** Hidden layers. */
    int depth();

    /** Hidden non-linearity. */
    Activation activation();

    /** Conditioning classes (0 for an unconditional network); the table has one more row, the null class. */
    int classCount();

    /** Input size of layer {@code l} ({@code 0..depth}). */
    int layerInput(int l);

    /** Output size of layer {@code l} ({@code 0..depth}); layer {@code depth} is the read-out. */
    int layerOutput(int l);
}
