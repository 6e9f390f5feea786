package org.noiselab.engine.model;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.kernel.VectorGemm;

/**
 * The toy epsilon-prediction network of {@link MlpSpec}, with a hand-written forward and backward pass over one flat
 * parameter vector and preallocated activations.
 *
 * <p>Forward: {@code u = [x, sin/cos(f x), sin/cos(g lambda)]}, {@code z_0 = u W_0 + b_0 (+ e_c)}, {@code h_l =
 * act(z_l)}, {@code z_l = h_{l-1} W_l + b_l}, {@code eps_hat = h_{L-1} W_L + b_L}. Backward is the chain rule written
 * out: {@code dW_l = h_{l-1}^T dz_l}, {@code db_l = sum_rows dz_l}, {@code dh_{l-1} = dz_l W_l^T},
 * {@code dz_l = dh_l * act'(z_l)}. All products go through {@link VectorGemm}.
 *
 * <p>Not thread-safe: one instance belongs to one compute thread.
 */
public final class MlpDenoiser implements TrainableDenoiser {

    /** Rows evaluated per chunk by {@link #predictEps}, bounding scratch memory for huge batches. */
    static final int PREDICT_CHUNK = 4096;
    /** Rows per panel of the weight-gradient reduction, so each panel stays in cache. */
    private static final int GRAD_PANEL = 256;
    /** Layers with fewer outputs than this get their weight gradient computed transposed. */
    private static final int NARROW = 16;

    private final MlpSpec spec;
    private final MlpLayout layout;
    private final SinusoidalFeatures features;
    private final float[] params;
    private final float[] grads;
    private final float[] transposed;

    private int capacity;
    private float[] u = new float[0];
    private float[][] z = new float[0][];
    private float[][] h = new float[0][];
    private float[] gradA = new float[0];
    private float[] gradB = new float[0];
    private float[] narrowScratch = new float[0];
    private int cachedRows = -1;
    private int @Nullable [] cachedLabels;

    private MlpDenoiser(MlpSpec spec, float[] params) {
        this.spec = spec;
        this.layout = new MlpLayout(spec);
        if (params.length != layout.size()) {
            throw new IllegalArgumentException("expected " + layout.size() + " parameters, got " + params.length);
        }
        this.features = new SinusoidalFeatures(spec);
        this.params = params;
        this.grads = new float[params.length];
        this.transposed = new float[spec.width() * Math.max(spec.width(), spec.dim())];
    }

    /** A freshly initialised network: weights and biases {@code U(-1/sqrt(in), 1/sqrt(in))} as in PyTorch's Linear. */
    public static MlpDenoiser initialise(MlpSpec spec, long seed) {
        MlpLayout layout = new MlpLayout(spec);
        float[] p = new float[layout.size()];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int l = 0; l < layout.layers(); l++) {
            double bound = 1 / Math.sqrt(spec.layerInput(l));
            int end = layout.biasOffset(l) + spec.layerOutput(l);
            for (int i = layout.weightOffset(l); i < end; i++) {
                p[i] = (float) rng.nextDouble(-bound, bound);
            }
        }
        double classBound = 1 / Math.sqrt(spec.layerInput(0));
        for (int i = layout.classTableOffset(); i < layout.size(); i++) {
            p[i] = (float) rng.nextDouble(-classBound, classBound);
        }
        return new MlpDenoiser(spec, p);
    }

    /** A network holding (a copy of) the given parameters. */
    public static MlpDenoiser of(MlpSpec spec, float[] parameters) {
        return new MlpDenoiser(spec, parameters.clone());
    }

    @Override
    public MlpSpec spec() {
        return spec;
    }

    /** Where each tensor lives in the parameter vector. */
    public MlpLayout layout() {
        return layout;
    }

    @Override
    public int dim() {
        return spec.dim();
    }

    @Override
    public int classCount() {
        return spec.classCount();
    }

    @Override
    public float[] parameters() {
        return params;
    }

    @Override
    public float[] gradients() {
        return grads;
    }

    @Override
    public MlpDenoiser withParameters(float[] parameters) {
        return of(spec, parameters);
    }

    @Override
    public void predictEps(float[] x, float[] logSnr, int @Nullable [] labels, int n, float[] out) {
        checkShapes(x, logSnr, labels, n, out);
        cachedRows = -1;
        int chunk = Math.min(n, Math.max(PREDICT_CHUNK, capacity));
        ensureCapacity(chunk);
        for (int start = 0; start < n; start += chunk) {
            forward(x, logSnr, labels, start, Math.min(chunk, n - start), out);
        }
    }

    @Override
    public void forwardForTraining(float[] x, float[] logSnr, int @Nullable [] labels, int n, float[] out) {
        checkShapes(x, logSnr, labels, n, out);
        ensureCapacity(n);
        forward(x, logSnr, labels, 0, n, out);
        cachedRows = n;
        cachedLabels = labels;
    }

    private void forward(float[] x, float[] logSnr, int @Nullable [] labels, int start, int n, float[] out) {
        int width = spec.width();
        features.compute(x, logSnr, start, n, u);
        for (int l = 0; l < spec.depth(); l++) {
            float[] in = l == 0 ? u : h[l - 1];
            int inDim = spec.layerInput(l);
            VectorGemm.multiply(in, 0, inDim, 1, params, layout.weightOffset(l), inDim, width, z[l], 0, 0, n,
                    false, params, layout.biasOffset(l));
            if (l == 0 && spec.classCount() > 0) {
                addClassVectors(labels, start, n);
            }
            spec.activation().forward(z[l], h[l], 0, n * width);
        }
        int last = spec.depth();
        VectorGemm.multiply(h[last - 1], 0, width, 1, params, layout.weightOffset(last), width, spec.dim(), out,
                start * spec.dim(), 0, n, false, params, layout.biasOffset(last));
    }

    private void addClassVectors(int @Nullable [] labels, int start, int n) {
        int width = spec.width();
        int table = layout.classTableOffset();
        for (int i = 0; i < n; i++) {
            int c = labels == null ? spec.classCount() : labels[start + i];
            int src = table + c * width;
            int dst = i * width;
            for (int j = 0; j < width; j++) {
                z[0][dst + j] += params[src + j];
            }
        }
    }

    @Override
    public void backward(float[] gradOut) {
        int n = cachedRows;
        if (n < 0) {
            throw new IllegalStateException("backward() needs a preceding forwardForTraining()");
        }
        if (gradOut.length < n * spec.dim()) {
            throw new IllegalArgumentException("gradOut has " + gradOut.length + " values, need " + n * spec.dim());
        }
        int width = spec.width();
        int last = spec.depth();
        weightGradient(h[last - 1], width, gradOut, spec.dim(), n, layout.weightOffset(last));
        columnSums(gradOut, n, spec.dim(), layout.biasOffset(last));
        float[] g = gradA;
        inputGradient(gradOut, spec.dim(), last, width, n, g);
        for (int l = last - 1; l >= 0; l--) {
            spec.activation().multiplyByDerivative(z[l], g, 0, n * width);
            float[] in = l == 0 ? u : h[l - 1];
            int inDim = spec.layerInput(l);
            weightGradient(in, inDim, g, width, n, layout.weightOffset(l));
            columnSums(g, n, width, layout.biasOffset(l));
            if (l > 0) {
                float[] next = g == gradA ? gradB : gradA;
                inputGradient(g, width, l, width, n, next);
                g = next;
            } else if (spec.classCount() > 0) {
                classTableGradient(g, n);
            }
        }
    }

    /**
     * {@code grads[W_l] = in^T g}, reduced over the rows in cache-sized panels. For a narrow layer (the read-out) the
     * transpose {@code g^T in} is formed instead, so the kernel's vectors run along the wide side.
     */
    private void weightGradient(float[] in, int inDim, float[] g, int outDim, int n, int offset) {
        boolean narrow = outDim < NARROW;
        float[] target = narrow ? narrowScratch(inDim * outDim) : grads;
        int targetOffset = narrow ? 0 : offset;
        for (int p = 0; p < n; p += GRAD_PANEL) {
            int rows = Math.min(GRAD_PANEL, n - p);
            if (narrow) {
                VectorGemm.multiply(g, p * outDim, 1, outDim, in, p * inDim, rows, inDim, target, 0, 0, outDim,
                        p > 0, null, 0);
            } else {
                VectorGemm.multiply(in, p * inDim, 1, inDim, g, p * outDim, rows, outDim, target, targetOffset, 0,
                        inDim, p > 0, null, 0);
            }
        }
        if (n == 0) {
            Arrays.fill(target, targetOffset, targetOffset + inDim * outDim, 0f);
        }
        if (narrow) {
            VectorGemm.transpose(target, 0, outDim, inDim, grads, offset);
        }
    }

    private float[] narrowScratch(int size) {
        if (narrowScratch.length < size) {
            narrowScratch = new float[size];
        }
        return narrowScratch;
    }

    /** {@code out = g W_layer^T}. */
    private void inputGradient(float[] g, int gCols, int layer, int outCols, int n, float[] out) {
        VectorGemm.transpose(params, layout.weightOffset(layer), outCols, gCols, transposed);
        VectorGemm.multiply(g, 0, gCols, 1, transposed, 0, gCols, outCols, out, 0, 0, n, false, null, 0);
    }

    private void columnSums(float[] g, int n, int cols, int offset) {
        Arrays.fill(grads, offset, offset + cols, 0f);
        for (int i = 0; i < n; i++) {
            int row = i * cols;
            for (int j = 0; j < cols; j++) {
                grads[offset + j] += g[row + j];
            }
        }
    }

    private void classTableGradient(float[] g, int n) {
        int width = spec.width();
        int table = layout.classTableOffset();
        Arrays.fill(grads, table, layout.size(), 0f);
        for (int i = 0; i < n; i++) {
            int c = cachedLabels == null ? spec.classCount() : cachedLabels[i];
            int dst = table + c * width;
            for (int j = 0; j < width; j++) {
                grads[dst + j] += g[i * width + j];
            }
        }
    }

    private void ensureCapacity(int n) {
        if (n <= capacity) {
            return;
        }
        int width = spec.width();
        capacity = n;
        u = new float[n * spec.featureCount()];
        z = new float[spec.depth()][n * width];
        h = new float[spec.depth()][n * width];
        gradA = new float[n * width];
        gradB = new float[n * width];
    }

    private void checkShapes(float[] x, float[] logSnr, int @Nullable [] labels, int n, float[] out) {
        int need = n * spec.dim();
        if (n < 0 || x.length < need || out.length < need || logSnr.length < n) {
            throw new IllegalArgumentException("batch of " + n + " rows does not fit the given arrays");
        }
        if (labels != null && spec.classCount() > 0) {
            if (labels.length < n) {
                throw new IllegalArgumentException("need one label per row");
            }
            for (int i = 0; i < n; i++) {
                if (labels[i] < 0 || labels[i] > spec.classCount()) {
                    throw new IllegalArgumentException("label " + labels[i] + " outside 0.." + spec.classCount()
                            + " (the last is the null class)");
                }
            }
        }
    }
}
