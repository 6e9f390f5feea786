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
    /** The kernel's tail scratch, one per thread: rows are computed by several kernel threads at once. */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(VectorMath::scratch);

    SinusoidalFeatures(MlpSpec spec) {
        this(spec.dim(), spec.inputFrequencies(), spec.inputScale(), spec.noiseFrequencies(), spec.noiseScale());
    }

    /** Features of the input only (no noise level), as a noise-level classifier sees its input. */
    SinusoidalFeatures(ClassifierSpec spec) {
        this(spec.dim(), spec.inputFrequencies(), spec.inputScale(), 0, 1);
    }

    private SinusoidalFeatures(int dim, int inputCount, double inputScale, int noiseCount, double noiseScale) {
        this.dim = dim;
        this.inputCount = inputCount;
        this.noiseCount = noiseCount;
        this.featureCount = dim + 2 * inputCount * dim + 2 * noiseCount;
        this.inputFrequencies = padded(frequencies(inputCount, inputScale));
        this.noiseFrequencies = padded(frequencies(noiseCount, noiseScale));
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
        float[] scratch = SCRATCH.get();
        for (int i = 0; i < n; i++) {
            int row = (firstRow + i) * featureCount;
            int src = (start + i) * dim;
            System.arraycopy(x, src, u, row, dim);
            int at = row + dim;
            for (int j = 0; j < dim; j++) {
                at = sinCos(x[src + j], inputFrequencies, inputCount, u, at, scratch);
            }
            if (!inputsOnly) {
                sinCos(logSnr[start + i], noiseFrequencies, noiseCount, u, at, scratch);
            }
        }
    }

    /** The log-SNR features of one value ({@code 2 * noiseFrequencies} values). */
    float[] noiseFeatures(float logSnr) {
        float[] out = new float[2 * noiseCount];
        sinCos(logSnr, noiseFrequencies, noiseCount, out, 0, SCRATCH.get());
        return out;
    }

    /** Number of input-coordinate features (the raw coordinates and their sines and cosines). */
    int inputFeatureCount() {
        return dim + 2 * inputCount * dim;
    }

    /**
     * The directional derivative of the input features along {@code w} (one direction per row), from the features
     * themselves: {@code d sin(f x_j) = f cos(f x_j) w_j} and {@code d cos(f x_j) = -f sin(f x_j) w_j}. Rows
     * {@code [from, to)} of {@code u} and {@code w}; noise features (if any) get 0.
     */
    void tangent(float[] u, float[] w, int from, int to, float[] uDot) {
        for (int i = from; i < to; i++) {
            int row = i * featureCount;
            java.util.Arrays.fill(uDot, row, row + featureCount, 0f);
            for (int j = 0; j < dim; j++) {
                float wj = w[i * dim + j];
                uDot[row + j] = wj;
                int at = row + dim + 2 * inputCount * j;
                for (int k = 0; k < inputCount; k++) {
                    float fw = inputFrequencies[k] * wj;
                    uDot[at + k] = fw * u[at + inputCount + k];
                    uDot[at + inputCount + k] = -fw * u[at + k];
                }
            }
        }
    }

    /**
     * Back-propagates a gradient with respect to the features ({@code gU}) to the input coordinates: {@code g_j =
     * gU[x_j] + sum_k f_k (gU[sin_k] cos(f_k x_j) - gU[cos_k] sin(f_k x_j))}. Rows {@code [from, to)} of the
     * features go to rows {@code shift + from .. shift + to} of {@code gx}.
     */
    void inputGradient(float[] u, float[] gU, int from, int to, float[] gx, int shift) {
        for (int i = from; i < to; i++) {
            int row = i * featureCount;
            for (int j = 0; j < dim; j++) {
                float g = gU[row + j];
                int at = row + dim + 2 * inputCount * j;
                for (int k = 0; k < inputCount; k++) {
                    g += inputFrequencies[k] * (gU[at + k] * u[at + inputCount + k]
                            - gU[at + inputCount + k] * u[at + k]);
                }
                gx[(shift + i) * dim + j] = g;
            }
        }
    }

    /** Number of features per row. */
    int featureCount() {
        return featureCount;
    }

    /** Writes {@code sin(f v)} then {@code cos(f v)} at {@code at}; returns the next free index. */
    private static int sinCos(float v, float[] f, int count, float[] u, int at, float[] scratch) {
        VectorMath.sinCos(f, count, v, u, at, at + count, scratch);
        return at + 2 * count;
    }
}
