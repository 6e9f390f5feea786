package org.noiselab.engine.model;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.kernel.Parallelism;
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
    private final float[][] transposed;

    private int capacity;
    private float[] u = new float[0];
    private float[][] z = new float[0][];
    private float[][] h = new float[0][];
    private float[] gradA = new float[0];
    private float[] gradB = new float[0];
    private float[] activationScratch = new float[0];
    private float[][] narrowScratch = new float[0][];
    private float @Nullable [] foldedBias;
    private float[][] partials = new float[0][];
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
        this.transposed = new float[spec.depth() + 1][];
        for (int l = 1; l <= spec.depth(); l++) {
            transposed[l] = new float[spec.layerInput(l) * spec.layerOutput(l)];
        }
    }

    /** A freshly initialised network: weights and biases {@code U(-1/sqrt(in), 1/sqrt(in))} as in PyTorch's Linear. */
    public static MlpDenoiser initialise(MlpSpec spec, long seed) {
        float[] p = new MlpLayout(spec).initialParameters(seed);
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
            forward(x, logSnr, labels, start, Math.min(chunk, n - start), out, false);
        }
    }

    @Override
    public void forwardForTraining(float[] x, float[] logSnr, int @Nullable [] labels, int n, float[] out) {
        checkShapes(x, logSnr, labels, n, out);
        ensureCapacity(n);
        forward(x, logSnr, labels, 0, n, out, true);
        cachedRows = n;
        cachedLabels = labels;
    }

    /**
     * Rows {@code 0..n} of the scratch buffers hold input rows {@code start..start+n}; split over kernel threads. When
     * every row has the same log-SNR (every sampler step), the noise features' contribution to the first layer is
     * the same for all rows: it is computed once and folded into the bias, saving a seventh of the work.
     */
    private void forward(float[] x, float[] logSnr, int @Nullable [] labels, int start, int n, float[] out,
                         boolean training) {
        // training keeps every feature: the backward pass needs the noise features for the first layer's gradient
        boolean shared = !training && sharedNoiseLevel(logSnr, start, n);
        float[] firstBias = params;
        int firstBiasOffset = layout.biasOffset(0);
        if (shared) {
            foldNoiseFeatures(logSnr[start]);
            firstBias = foldedBias;
            firstBiasOffset = 0;
        }
        float[] bias = firstBias;
        int biasOffset = firstBiasOffset;
        Parallelism.forRows(n, (share, from, to) -> forwardRows(x, logSnr, labels, start, from, to, out, shared, bias,
                biasOffset));
    }

    private static boolean sharedNoiseLevel(float[] logSnr, int start, int n) {
        for (int i = 1; i < n; i++) {
            if (logSnr[start + i] != logSnr[start]) {
                return false;
            }
        }
        return n > 1;
    }

    /** {@code foldedBias = b_0 + W_0[noise rows]^T features(lambda)}. */
    private void foldNoiseFeatures(float logSnr) {
        int width = spec.width();
        if (foldedBias == null) {
            foldedBias = new float[width];
        }
        float[] noise = features.noiseFeatures(logSnr);
        int firstNoiseRow = features.inputFeatureCount();
        VectorGemm.multiply(noise, 0, noise.length, 1, params, layout.weightOffset(0) + firstNoiseRow * width,
                noise.length, width, foldedBias, 0, 0, 1, false, params, layout.biasOffset(0));
    }

    private void forwardRows(float[] x, float[] logSnr, int @Nullable [] labels, int start, int from, int to,
                             float[] out, boolean sharedNoise, float[] firstBias, int firstBiasOffset) {
        int width = spec.width();
        features.compute(x, logSnr, start + from, to - from, u, from, sharedNoise);
        for (int l = 0; l < spec.depth(); l++) {
            float[] in = l == 0 ? u : h[l - 1];
            int inDim = spec.layerInput(l);
            int k = l == 0 && sharedNoise ? features.inputFeatureCount() : inDim;
            float[] bias = l == 0 ? firstBias : params;
            int biasOffset = l == 0 ? firstBiasOffset : layout.biasOffset(l);
            VectorGemm.multiply(in, 0, inDim, 1, params, layout.weightOffset(l), k, width, z[l], 0, from, to,
                    false, bias, biasOffset);
            if (l == 0 && spec.classCount() > 0) {
                layout.addClassVectors(params, labels, start, from, to, z[0]);
            }
            spec.activation().forward(z[l], h[l], from * width, to * width, activationScratch);
        }
        int last = spec.depth();
        VectorGemm.multiply(h[last - 1], 0, width, 1, params, layout.weightOffset(last), width, spec.dim(), out,
                start * spec.dim(), from, to, false, params, layout.biasOffset(last));
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
        for (int l = 1; l <= spec.depth(); l++) {
            VectorGemm.transpose(params, layout.weightOffset(l), spec.layerInput(l), spec.layerOutput(l),
                    transposed[l]);
        }
        int shares = Parallelism.shares(n);
        prepareNarrowScratch(shares);
        if (shares == 1) {
            Arrays.fill(grads, 0f);
            backwardRows(gradOut, 0, n, grads, 0);
            return;
        }
        ensurePartials(shares);
        Parallelism.forRows(n, (share, from, to) -> {
            Arrays.fill(partials[share], 0f);
            backwardRows(gradOut, from, to, partials[share], share);
        });
        System.arraycopy(partials[0], 0, grads, 0, grads.length);
        for (int s = 1; s < shares; s++) {
            float[] p = partials[s];
            for (int i = 0; i < grads.length; i++) {
                grads[i] += p[i];
            }
        }
    }

    /** Accumulates the gradient of rows {@code [from, to)} into {@code target} (zeroed by the caller). */
    private void backwardRows(float[] gradOut, int from, int to, float[] target, int share) {
        int width = spec.width();
        int last = spec.depth();
        weightGradient(h[last - 1], width, gradOut, spec.dim(), from, to, target, layout.weightOffset(last), share);
        MlpLayout.addColumnSums(gradOut, from, to, spec.dim(), target, layout.biasOffset(last));
        float[] g = gradA;
        VectorGemm.multiply(gradOut, 0, spec.dim(), 1, transposed[last], 0, spec.dim(), width, g, 0, from, to, false,
                null, 0);
        for (int l = last - 1; l >= 0; l--) {
            spec.activation().multiplyByDerivative(z[l], g, from * width, to * width, activationScratch);
            float[] in = l == 0 ? u : h[l - 1];
            int inDim = spec.layerInput(l);
            weightGradient(in, inDim, g, width, from, to, target, layout.weightOffset(l), share);
            MlpLayout.addColumnSums(g, from, to, width, target, layout.biasOffset(l));
            if (l > 0) {
                float[] next = g == gradA ? gradB : gradA;
                VectorGemm.multiply(g, 0, width, 1, transposed[l], 0, width, width, next, 0, from, to, false, null, 0);
                g = next;
            } else if (spec.classCount() > 0) {
                layout.addClassTableGradient(g, cachedLabels, from, to, target);
            }
        }
    }

    /**
     * Adds {@code in^T g} over rows {@code [from, to)} to the weight block at {@code offset}, in cache-sized panels.
     * For a narrow layer (the read-out) the transpose {@code g^T in} is formed instead, so the kernel's vectors run
     * along the wide side.
     */
    private void weightGradient(float[] in, int inDim, float[] g, int outDim, int from, int to, float[] target,
                                int offset, int share) {
        boolean narrow = outDim < NARROW;
        float[] scratch = narrow ? narrowScratch(share, inDim * outDim) : target;
        int scratchOffset = narrow ? 0 : offset;
        boolean first = true;
        for (int p = from; p < to; p += GRAD_PANEL) {
            int rows = Math.min(GRAD_PANEL, to - p);
            if (narrow) {
                VectorGemm.multiply(g, p * outDim, 1, outDim, in, p * inDim, rows, inDim, scratch, 0, 0, outDim,
                        !first, null, 0);
            } else {
                VectorGemm.multiply(in, p * inDim, 1, inDim, g, p * outDim, rows, outDim, scratch, scratchOffset, 0,
                        inDim, true, null, 0);
            }
            first = false;
        }
        if (narrow && !first) {
            for (int r = 0; r < outDim; r++) {
                for (int c = 0; c < inDim; c++) {
                    target[offset + c * outDim + r] += scratch[r * inDim + c];
                }
            }
        }
    }

    /**
     * Sizes the narrow layers' scratch for every share before the rows are split over threads (growing it from inside
     * the threads would race on the array of scratches).
     */
    private void prepareNarrowScratch(int shares) {
        int size = 0;
        for (int l = 0; l <= spec.depth(); l++) {
            if (spec.layerOutput(l) < NARROW) {
                size = Math.max(size, spec.layerInput(l) * spec.layerOutput(l));
            }
        }
        if (narrowScratch.length < shares) {
            narrowScratch = Arrays.copyOf(narrowScratch, shares);
        }
        for (int s = 0; s < shares; s++) {
            if (narrowScratch[s] == null || narrowScratch[s].length < size) {
                narrowScratch[s] = new float[size];
            }
        }
    }

    private float[] narrowScratch(int share, int size) {
        float[] scratch = narrowScratch[share];
        if (scratch.length < size) {
            throw new IllegalStateException("narrow scratch not prepared for " + size + " values");
        }
        return scratch;
    }

    private void ensurePartials(int shares) {
        if (partials.length < shares) {
            partials = new float[shares][params.length];
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
        activationScratch = new float[n * width];
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
