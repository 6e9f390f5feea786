package org.noiselab.engine.model;

import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.model.layer.Activation;

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

    /** Number of input features fed to the first layer. */
    int featureCount();

    /** Outputs of the read-out layer. */
    int readoutSize();

    /** Input size of layer {@code l} ({@code 0..depth}). */
    default int layerInput(int l) {
        return l == 0 ? featureCount() : width();
    }

    /** Output size of layer {@code l} ({@code 0..depth}); layer {@code depth} is the read-out. */
    default int layerOutput(int l) {
        return l == depth() ? readoutSize() : width();
    }

    /** Weights and biases of every layer plus the class table; refuses networks beyond 200 million parameters. */
    default int parameterCount() {
        long count = 0;
        for (int l = 0; l <= depth(); l++) {
            count += (long) layerInput(l) * layerOutput(l) + layerOutput(l);
        }
        count += classCount() == 0 ? 0 : (long) (classCount() + 1) * width();
        if (count > 200_000_000) {
            throw new InvalidConfigException("width", width(), "model would have " + count + " parameters");
        }
        return (int) count;
    }

    /** Refuses a hyperparameter outside {@code lo..hi}, naming it. */
    static void check(String field, int v, int lo, int hi) {
        if (v < lo || v > hi) {
            throw new InvalidConfigException(field, v, "must lie in " + lo + ".." + hi);
        }
    }
}
