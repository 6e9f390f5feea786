package org.noiselab.engine.model;

import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.model.layer.Activation;

/**
 * The toy noise-level classifier of a classification diffusion model (CDM; Yadin, Elata and Michaeli 2024): an MLP
 * that sees only the point {@code x} (sinusoidal input features as in {@link MlpSpec}, no noise-level input) and
 * outputs one logit per noise level {@code t = 0..T+1}.
 *
 * <p>The read-out produces raw values {@code r_0..r_{T+1}} and a fixed cumulative sum gives the logits
 * {@code f_t = r_0 + ... + r_t}, so {@code r_t} models {@code log p(t|x) - log p(t-1|x)} (the paper's output layer).
 *
 * @param dim              data dimension
 * @param width            hidden units per layer
 * @param depth            hidden layers
 * @param activation       hidden non-linearity; it must be smooth (the denoiser is the classifier's input gradient)
 * @param inputFrequencies frequencies per input coordinate
 * @param inputScale       highest input frequency
 * @param levels           noise levels {@code T + 2} (classes {@code 0..T+1})
 * @param classCount       conditioning classes, 0 for unconditional
 */
public record ClassifierSpec(int dim, int width, int depth, Activation activation, int inputFrequencies,
                             double inputScale, int levels, int classCount) implements ModelSpec, DenseShape {

    /**
     * Default highest input frequency, the denoiser's: on dino, 4 gave samples at MMD 0.0012 and a likelihood 4.0 nats
     * off, 16 gave -0.0003 and 3.2 nats (docs/experiments/cdm.md).
     */
    public static final double DEFAULT_INPUT_SCALE = MlpSpec.DEFAULT_INPUT_SCALE;

    public ClassifierSpec {
        DenseShape.check("dim", dim, 1, 64);
        DenseShape.check("width", width, 1, 4096);
        DenseShape.check("depth", depth, 1, 32);
        DenseShape.check("inputFrequencies", inputFrequencies, 0, 512);
        DenseShape.check("levels", levels, 3, 100_002);
        DenseShape.check("classCount", classCount, 0, 10_000);
        if (activation == null) {
            throw new InvalidConfigException("activation", null, "required");
        }
        if (activation == Activation.RELU) {
            throw new InvalidConfigException("activation", "relu",
                    "a classification diffusion model needs a smooth activation (its denoiser is an input gradient)");
        }
        if (!(inputScale > 0 && inputScale < 1e6)) {
            throw new InvalidConfigException("inputScale", inputScale, "must be positive");
        }
    }

    /** The defaults for a data dimension and T diffusion steps: 3 hidden layers of 128 SiLU units, T + 2 levels. */
    public static ClassifierSpec defaults(int dim, int steps) {
        return new ClassifierSpec(dim, MlpSpec.DEFAULT_WIDTH, MlpSpec.DEFAULT_DEPTH, Activation.SILU,
                MlpSpec.DEFAULT_INPUT_FREQUENCIES, DEFAULT_INPUT_SCALE, steps + 2, 0);
    }

    public ClassifierSpec withWidth(int w) {
        return new ClassifierSpec(dim, w, depth, activation, inputFrequencies, inputScale, levels, classCount);
    }

    public ClassifierSpec withDepth(int d) {
        return new ClassifierSpec(dim, width, d, activation, inputFrequencies, inputScale, levels, classCount);
    }

    public ClassifierSpec withActivation(Activation a) {
        return new ClassifierSpec(dim, width, depth, a, inputFrequencies, inputScale, levels, classCount);
    }

    public ClassifierSpec withInputScale(double s) {
        return new ClassifierSpec(dim, width, depth, activation, inputFrequencies, s, levels, classCount);
    }

    public ClassifierSpec withClassCount(int c) {
        return new ClassifierSpec(dim, width, depth, activation, inputFrequencies, inputScale, levels, c);
    }

    /** The number of diffusion steps T (levels minus the clean and the pure-noise class). */
    public int steps() {
        return levels - 2;
    }

    @Override
    public int featureCount() {
        return dim + 2 * inputFrequencies * dim;
    }

    @Override
    public int parameterCount() {
        return DenseShape.super.parameterCount();
    }

    @Override
    public int readoutSize() {
        return levels;
    }

    @Override
    public String kind() {
        return "classifier-mlp";
    }
}
