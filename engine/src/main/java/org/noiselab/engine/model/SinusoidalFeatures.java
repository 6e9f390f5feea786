package org.noiselab.engine.model;

import org.noiselab.engine.kernel.VectorMath;

/**
 * The fixed input features of an {@link MlpSpec}: per row {@code [x_1..x_d, sin(f x_1), cos(f x_1), ...,
 * sin(g lambda), cos(g lambda)]} with geometric frequencies {@code f_k = scale * 10000^(-k/(F-1))} (the transformer
 * position encoding of Vaswani et al. 2017, as used by tiny-diffusion for inputs and time).
 */
final class SinusoidalFeatures {

    private final int dim;
    private final int featureCount;
    private final float[] inputFrequencies;
    private final float[] noiseFrequencies;
    private final int inputCount;
    private final int noiseCount;
    private final float[] scratch = VectorMath.scratch();

    SinusoidalFeatures(MlpSpec spec) {
        this.dim = spec.dim();
        this.featureCount = spec.featureCount();
        this.inputCount = spec.inputFrequencies();
        this.noiseCount = spec.noiseFrequencies();
        this.inputFrequencies = padded(frequencies(inputCount, spec.inputScale()));
        this.noiseFrequencies = padded(frequencies(noiseCount, spec.noiseScale()));
    }

    /** A copy padded with zeros to whole vectors (the kernel reads whole vectors). */
    private static float[] padded(float[] f) {
        int l = VectorMath.lanes();
        return java.util.Arrays.copyOf(f, Math.max(l, (f.length + l - 1) / l * l));
    }

    /** {@code f_k = scale * 10000^(-k / (count - 1))}, highest first. */
    static float[] frequencies(int count, double scale) {
        float[] f = new float[count];
        for (int k = 0; k < count; k++) {
            double exponent = count == 1 ? 0 : (double) k / (count - 1);
            f[k] = (float) (scale * Math.pow(10_000, -exponent));
        }
        return f;
    }

    /**
     * Features of rows {@code start .. start + n} of x into rows {@code firstRow .. firstRow + n} of {@code u}; with
     * {@code inputsOnly} the log-SNR features are left out (the caller folds a shared noise level into the bias).
     */
    void compute(float[] x, float[] logSnr, int start, int n, float[] u, int firstRow, boolean inputsOnly) {
        for (int i = 0; i < n; i++) {
            int row = (firstRow + i) * featureCount;
            int src = (start + i) * dim;
            System.arraycopy(x, src, u, row, dim);
            int at = row + dim;
            for (int j = 0; j < dim; j++) {
                at = sinCos(x[src + j], inputFrequencies, inputCount, u, at);
            }
            if (!inputsOnly) {
                sinCos(logSnr[start + i], noiseFrequencies, noiseCount, u, at);
            }
        }
    }

    /** The log-SNR features of one value ({@code 2 * noiseFrequencies} values). */
    float[] noiseFeatures(float logSnr) {
        float[] out = new float[2 * noiseCount];
        sinCos(logSnr, noiseFrequencies, noiseCount, out, 0);
        return out;
    }

    /** Number of input-coordinate features (the raw coordinates and their sines and cosines). */
    int inputFeatureCount() {
        return dim + 2 * inputCount * dim;
    }

    /** Writes {@code sin(f v)} then {@code cos(f v)} at {@code at}; returns the next free index. */
    private int sinCos(float v, float[] f, int count, float[] u, int at) {
        VectorMath.sinCos(f, count, v, u, at, at + count, scratch);
        return at + 2 * count;
    }
}
