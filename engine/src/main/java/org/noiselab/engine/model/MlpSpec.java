package org.noiselab.engine.model;

import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.model.layer.Activation;

/**
 * The toy denoiser architecture: sinusoidal features of each input coordinate and of the log-SNR, a stack of
 * {@code depth} hidden layers of {@code width} units, and a linear read-out to {@code dim} outputs.
 *
 * <p>Input features: the raw coordinates, then {@code sin/cos(f_k x_j)} with {@code f_k = inputScale *
 * 10000^(-k/(F-1))} for each coordinate (tiny-diffusion's embedding), then the same with {@code noiseScale} for the
 * log-SNR. A conditional model adds a learned per-class vector (with a null class) to the first pre-activation, which
 * equals concatenating a one-hot class to the input.
 *
 * @param dim              data dimension
 * @param width            hidden units per layer (default 128)
 * @param depth            hidden layers (default 3)
 * @param activation       hidden non-linearity (default SiLU)
 * @param inputFrequencies frequencies per input coordinate (each gives a sine and a cosine)
 * @param inputScale       highest input frequency
 * @param noiseFrequencies frequencies for the log-SNR
 * @param noiseScale       highest log-SNR frequency
 * @param classCount       conditioning classes, 0 for unconditional
 */
public record MlpSpec(int dim, int width, int depth, Activation activation, int inputFrequencies, double inputScale,
                      int noiseFrequencies, double noiseScale, int classCount) implements ModelSpec, DenseShape {

    public static final int DEFAULT_WIDTH = 128;
    public static final int DEFAULT_DEPTH = 3;
    public static final int DEFAULT_INPUT_FREQUENCIES = 32;
    public static final double DEFAULT_INPUT_SCALE = 16;
    public static final int DEFAULT_NOISE_FREQUENCIES = 32;
    public static final double DEFAULT_NOISE_SCALE = 1;

    public MlpSpec {
        DenseShape.check("dim", dim, 1, 64);
        DenseShape.check("width", width, 1, 4096);
        DenseShape.check("depth", depth, 1, 32);
        DenseShape.check("inputFrequencies", inputFrequencies, 0, 512);
        DenseShape.check("noiseFrequencies", noiseFrequencies, 1, 512);
        DenseShape.check("classCount", classCount, 0, 10_000);
        if (activation == null) {
            throw new InvalidConfigException("activation", null, "required");
        }
        if (!(inputScale > 0 && inputScale < 1e6)) {
            throw new InvalidConfigException("inputScale", inputScale, "must be positive");
        }
        if (!(noiseScale > 0 && noiseScale < 1e6)) {
            throw new InvalidConfigException("noiseScale", noiseScale, "must be positive");
        }
    }

    /** The defaults for a data dimension: 3 hidden layers of 128 SiLU units. */
    public static MlpSpec defaults(int dim) {
        return new MlpSpec(dim, DEFAULT_WIDTH, DEFAULT_DEPTH, Activation.SILU, DEFAULT_INPUT_FREQUENCIES,
                DEFAULT_INPUT_SCALE, DEFAULT_NOISE_FREQUENCIES, DEFAULT_NOISE_SCALE, 0);
    }

    public MlpSpec withWidth(int w) {
        return new MlpSpec(dim, w, depth, activation, inputFrequencies, inputScale, noiseFrequencies, noiseScale,
                classCount);
    }

    public MlpSpec withDepth(int d) {
        return new MlpSpec(dim, width, d, activation, inputFrequencies, inputScale, noiseFrequencies, noiseScale,
                classCount);
    }

    public MlpSpec withActivation(Activation a) {
        return new MlpSpec(dim, width, depth, a, inputFrequencies, inputScale, noiseFrequencies, noiseScale, classCount);
    }

    public MlpSpec withInputScale(double s) {
        return new MlpSpec(dim, width, depth, activation, inputFrequencies, s, noiseFrequencies, noiseScale,
                classCount);
    }

    public MlpSpec withClassCount(int c) {
        return new MlpSpec(dim, width, depth, activation, inputFrequencies, inputScale, noiseFrequencies, noiseScale, c);
    }

    @Override
    public int featureCount() {
        return dim + 2 * inputFrequencies * dim + 2 * noiseFrequencies;
    }

    @Override
    public int parameterCount() {
        return DenseShape.super.parameterCount();
    }

    @Override
    public int readoutSize() {
        return dim;
    }

    @Override
    public String kind() {
        return "mlp";
    }
}
