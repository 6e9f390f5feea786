package org.noiselab.engine.model;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.kernel.Parallelism;
import org.noiselab.engine.kernel.VectorGemm;

/**
 * The noise-level classifier of {@link ClassifierSpec} with an exact, hand-written double back-propagation (the CDM
 * loss of Yadin, Elata and Michaeli 2024 differentiates the classifier's input gradient, which SameDiff cannot).
 *
 * <p>Forward: {@code u = features(x)}, {@code z_l = h_{l-1} W_l + b_l}, {@code h_l = act(z_l)}, raw read-out
 * {@code r = h_{L-1} W_L + b_L}, logits {@code f = cumsum(r)}. The level gap is linear in the read-out,
 * {@code F(x, t) = f_{T+1} - f_t = h_{L-1} . a_t + const} with {@code a_t = sum_{s > t} W_L[:, s]}, so its input
 * gradient is one backward pass of {@code a_t}: {@code delta_{L-1} = a_t}, {@code gamma_l = delta_l * act'(z_l)},
 * {@code delta_{l-1} = gamma_l W_l^T}, {@code grad_x F = J_u^T (gamma_0 W_0^T)}.
 *
 * <p>Backward of {@code Phi = sum_i w_i . grad_x F_i} (w = the cotangent of the gap gradient) is written as reverse
 * mode through the forward tangent {@code Phi = sum_i hdot_{L-1,i} . a_{t_i}} along {@code w}: {@code udot = J_u w},
 * {@code zdot_l = hdot_{l-1} W_l}, {@code hdot_l = act'(z_l) zdot_l}. Its adjoints are {@code bar hdot_l = delta_l},
 * {@code bar zdot_l = gamma_l} (the first pass already has them) and
 * {@code bar z_l = act'(z_l) bar h_l + act''(z_l) zdot_l delta_l}; then {@code dW_l = h_{l-1}^T bar z_l +
 * hdot_{l-1}^T gamma_l}, {@code db_l = sum bar z_l}, {@code bar h_{l-1} = bar z_l W_l^T}, and
 * {@code dW_L[:, s] += sum_{i: t_i < s} hdot_{L-1,i}}. The logits' cotangent enters as ordinary back-propagation
 * through the cumulative sum (a reverse cumulative sum) and the read-out.
 *
 * <p>Not thread-safe: one instance belongs to one compute thread.
 */
public final class MlpClassifier implements TrainableClassifier {

    /** Rows evaluated per chunk outside training, bounding scratch memory. */
    static final int CHUNK = 1024;
    private static final int GRAD_PANEL = 256;
    private static final float[] NO_NOISE = new float[0];

    private final ClassifierSpec spec;
    private final MlpLayout layout;
    private final SinusoidalFeatures features;
    private final float[] params;
    private final float[] grads;
    private final float[][] transposed;
    /** Row t holds {@code a_t = sum_{s > t} W_L[:, s]}. */
    private final float[] gapWeights;

    private int capacity;
    private float[] u = new float[0];
    private float[] uDot = new float[0];
    private float[] gU = new float[0];
    private float[] dr = new float[0];
    private float[] barA = new float[0];
    private float[] barB = new float[0];
    private float[] activationScratch = new float[0];
    private float[][] z = new float[0][];
    private float[][] h = new float[0][];
    private float[][] d1 = new float[0][];
    private float[][] d2 = new float[0][];
    private float[][] delta = new float[0][];
    private float[][] gamma = new float[0][];
    private float[][] zDot = new float[0][];
    private float[][] hDot = new float[0][];
    private float[][] partials = new float[0][];
    private float[][] gapPartials = new float[0][];
    private int cachedRows = -1;
    private int @Nullable [] cachedLevels;
    private int @Nullable [] cachedLabels;

    private MlpClassifier(ClassifierSpec spec, float[] params) {
        this.spec = spec;
        this.layout = new MlpLayout(spec);
        if (params.length != layout.size()) {
            throw new IllegalArgumentException("expected " + layout.size() + " parameters, got " + params.length);
        }
        this.features = new SinusoidalFeatures(spec);
        this.params = params;
        this.grads = new float[params.length];
        this.transposed = new float[spec.depth() + 1][];
        for (int l = 0; l <= spec.depth(); l++) {
            transposed[l] = new float[spec.layerInput(l) * spec.layerOutput(l)];
        }
        this.gapWeights = new float[spec.levels() * spec.width()];
    }

    /** A freshly initialised network: weights and biases {@code U(-1/sqrt(in), 1/sqrt(in))} as in PyTorch's Linear. */
    public static MlpClassifier initialise(ClassifierSpec spec, long seed) {
        float[] p = new MlpLayout(spec).initialParameters(seed);
        return new MlpClassifier(spec, p);
    }

    /** A network holding (a copy of) the given parameters. */
    public static MlpClassifier of(ClassifierSpec spec, float[] parameters) {
        return new MlpClassifier(spec, parameters.clone());
    }

    @Override
    public ClassifierSpec spec() {
        return spec;
    }

    @Override
    public int dim() {
        return spec.dim();
    }

    @Override
    public int levels() {
        return spec.levels();
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
    public int readoutBiasOffset() {
        return layout.biasOffset(layout.layers() - 1);
    }

    @Override
    public MlpClassifier withParameters(float[] parameters) {
        return of(spec, parameters);
    }

    @Override
    public void logits(float[] x, int @Nullable [] labels, int n, float[] out) {
        checkShapes(x, labels, n);
        checkLength(out, n * spec.levels(), "logits");
        cachedRows = -1;
        int chunk = Math.min(n, Math.max(CHUNK, capacity));
        ensureCapacity(chunk);
        for (int start = 0; start < n; start += chunk) {
            int first = start;
            Parallelism.forRows(Math.min(chunk, n - start), (share, from, to) -> {
                hiddenForward(x, labels, first, from, to, false);
                readout(out, first, from, to);
            });
        }
    }

    @Override
    public void levelGapGradient(float[] x, float[] level, int @Nullable [] labels, int n, float[] out) {
        checkShapes(x, labels, n);
        checkLength(level, n, "level");
        checkLength(out, n * spec.dim(), "out");
        for (int i = 0; i < n; i++) {
            if (!(level[i] >= 0 && level[i] <= spec.levels() - 1)) {
                throw new IllegalArgumentException("level " + level[i] + " outside 0.." + (spec.levels() - 1));
            }
        }
        cachedRows = -1;
        refreshDerivedWeights();
        int chunk = Math.min(n, Math.max(CHUNK, capacity));
        ensureCapacity(chunk);
        for (int start = 0; start < n; start += chunk) {
            int first = start;
            Parallelism.forRows(Math.min(chunk, n - start), (share, from, to) -> {
                hiddenForward(x, labels, first, from, to, true);
                for (int i = from; i < to; i++) {
                    interpolatedGapWeights(level[first + i], delta[spec.depth() - 1], i);
                }
                gapBackward(from, to, out, first);
            });
        }
    }

    @Override
    public void forwardForTraining(float[] x, int[] levels, int @Nullable [] labels, int n, float[] logits,
                                   float[] gapGradient) {
        checkShapes(x, labels, n);
        checkLength(levels, n, "levels");
        checkLength(logits, n * spec.levels(), "logits");
        checkLength(gapGradient, n * spec.dim(), "gapGradient");
        for (int i = 0; i < n; i++) {
            if (levels[i] < 0 || levels[i] >= spec.levels()) {
                throw new IllegalArgumentException("level " + levels[i] + " outside 0.." + (spec.levels() - 1));
            }
        }
        refreshDerivedWeights();
        ensureCapacity(n);
        Parallelism.forRows(n, (share, from, to) -> {
            hiddenForward(x, labels, 0, from, to, true);
            readout(logits, 0, from, to);
            int width = spec.width();
            float[] top = delta[spec.depth() - 1];
            for (int i = from; i < to; i++) {
                System.arraycopy(gapWeights, levels[i] * width, top, i * width, width);
            }
            gapBackward(from, to, gapGradient, 0);
        });
        cachedRows = n;
        cachedLevels = levels;
        cachedLabels = labels;
    }

    @Override
    public void backward(float[] gradLogits, float[] gradGap) {
        int n = cachedRows;
        if (n < 0) {
            throw new IllegalStateException("backward() needs a preceding forwardForTraining()");
        }
        checkLength(gradLogits, n * spec.levels(), "gradLogits");
        checkLength(gradGap, n * spec.dim(), "gradGap");
        int shares = Parallelism.shares(n);
        ensurePartials(shares);
        Parallelism.forRows(n, (share, from, to) -> {
            float[] target = shares == 1 ? grads : partials[share];
            Arrays.fill(target, 0f);
            backwardRows(gradLogits, gradGap, from, to, target, share);
        });
        if (shares > 1) {
            System.arraycopy(partials[0], 0, grads, 0, grads.length);
            for (int s = 1; s < shares; s++) {
                float[] p = partials[s];
                for (int i = 0; i < grads.length; i++) {
                    grads[i] += p[i];
                }
            }
        }
    }

    /** Features and hidden layers of input rows {@code start + [from, to)} into scratch rows {@code [from, to)}. */
    private void hiddenForward(float[] x, int @Nullable [] labels, int start, int from, int to,
                               boolean derivatives) {
        int width = spec.width();
        features.compute(x, NO_NOISE, start + from, to - from, u, from, true);
        for (int l = 0; l < spec.depth(); l++) {
            float[] in = l == 0 ? u : h[l - 1];
            int inDim = spec.layerInput(l);
            VectorGemm.multiply(in, 0, inDim, 1, params, layout.weightOffset(l), inDim, width, z[l], 0, from, to,
                    false, params, layout.biasOffset(l));
            if (l == 0 && spec.classCount() > 0) {
                layout.addClassVectors(params, labels, start, from, to, z[0]);
            }
            spec.activation().forward(z[l], h[l], from * width, to * width, activationScratch);
            if (derivatives) {
                spec.activation().derivatives(z[l], d1[l], d2[l], from * width, to * width, activationScratch);
            }
        }
    }

    /** Logits {@code f = cumsum(h W_L + b_L)} of scratch rows {@code [from, to)} into rows {@code start + ...}. */
    private void readout(float[] out, int start, int from, int to) {
        int levels = spec.levels();
        int last = spec.depth();
        VectorGemm.multiply(h[last - 1], 0, spec.width(), 1, params, layout.weightOffset(last), spec.width(), levels,
                out, start * levels, from, to, false, params, layout.biasOffset(last));
        for (int i = from; i < to; i++) {
            int row = (start + i) * levels;
            for (int t = 1; t < levels; t++) {
                out[row + t] += out[row + t - 1];
            }
        }
    }

    /**
     * From {@code delta_{L-1}} (set by the caller) down to the input: fills {@code gamma_l}, {@code delta_l} and writes
     * {@code grad_x F} of scratch rows {@code [from, to)} into rows {@code start + ...} of {@code out}.
     */
    private void gapBackward(int from, int to, float[] out, int start) {
        int width = spec.width();
        for (int l = spec.depth() - 1; l >= 0; l--) {
            float[] g = gamma[l];
            float[] dl = delta[l];
            float[] s1 = d1[l];
            for (int k = from * width; k < to * width; k++) {
                g[k] = dl[k] * s1[k];
            }
            if (l > 0) {
                VectorGemm.multiply(g, 0, width, 1, transposed[l], 0, width, width, delta[l - 1], 0, from, to, false,
                        null, 0);
            } else {
                int features0 = spec.layerInput(0);
                VectorGemm.multiply(g, 0, width, 1, transposed[0], 0, width, features0, gU, 0, from, to, false,
                        null, 0);
            }
        }
        features.inputGradient(u, gU, from, to, out, start);
    }

    /** {@code a_tau}, linear between the neighbouring integer levels, into row {@code row} of {@code target}. */
    private void interpolatedGapWeights(float level, float[] target, int row) {
        int width = spec.width();
        int lower = Math.min((int) Math.floor(level), spec.levels() - 2);
        float w = level - lower;
        int a = lower * width;
        int b = a + width;
        int dst = row * width;
        for (int j = 0; j < width; j++) {
            target[dst + j] = (1 - w) * gapWeights[a + j] + w * gapWeights[b + j];
        }
    }

    private void backwardRows(float[] gradLogits, float[] gradGap, int from, int to, float[] target, int share) {
        int width = spec.width();
        int levels = spec.levels();
        int last = spec.depth();
        // logits: reverse cumulative sum, then an ordinary linear read-out
        for (int i = from; i < to; i++) {
            int row = i * levels;
            float running = 0;
            for (int t = levels - 1; t >= 0; t--) {
                running += gradLogits[row + t];
                dr[row + t] = running;
            }
        }
        weightGradient(h[last - 1], width, dr, levels, from, to, target, layout.weightOffset(last));
        MlpLayout.addColumnSums(dr, from, to, levels, target, layout.biasOffset(last));
        float[] barH = barA;
        VectorGemm.multiply(dr, 0, levels, 1, transposed[last], 0, levels, width, barH, 0, from, to, false, null, 0);
        // the forward tangent along the gap gradient's cotangent
        features.tangent(u, gradGap, from, to, uDot);
        for (int l = 0; l < last; l++) {
            float[] inDot = l == 0 ? uDot : hDot[l - 1];
            int inDim = spec.layerInput(l);
            VectorGemm.multiply(inDot, 0, inDim, 1, params, layout.weightOffset(l), inDim, width, zDot[l], 0, from, to,
                    false, null, 0);
            float[] zd = zDot[l];
            float[] hd = hDot[l];
            float[] s1 = d1[l];
            for (int k = from * width; k < to * width; k++) {
                hd[k] = s1[k] * zd[k];
            }
        }
        gapWeightGradient(hDot[last - 1], from, to, target, share);
        for (int l = last - 1; l >= 0; l--) {
            float[] barZ = barH == barA ? barB : barA;
            float[] s1 = d1[l];
            float[] s2 = d2[l];
            float[] zd = zDot[l];
            float[] dl = delta[l];
            for (int k = from * width; k < to * width; k++) {
                barZ[k] = s1[k] * barH[k] + s2[k] * zd[k] * dl[k];
            }
            float[] in = l == 0 ? u : h[l - 1];
            float[] inDot = l == 0 ? uDot : hDot[l - 1];
            int inDim = spec.layerInput(l);
            weightGradient(in, inDim, barZ, width, from, to, target, layout.weightOffset(l));
            weightGradient(inDot, inDim, gamma[l], width, from, to, target, layout.weightOffset(l));
            MlpLayout.addColumnSums(barZ, from, to, width, target, layout.biasOffset(l));
            if (l > 0) {
                VectorGemm.multiply(barZ, 0, width, 1, transposed[l], 0, width, width, barH, 0, from, to, false,
                        null, 0);
            } else if (spec.classCount() > 0) {
                layout.addClassTableGradient(barZ, cachedLabels, from, to, target);
            }
        }
    }

    /** {@code dW_L[:, s] += sum_{i: t_i < s} hdot_i}: accumulate per level, then a prefix sum over levels. */
    private void gapWeightGradient(float[] top, int from, int to, float[] target, int share) {
        int width = spec.width();
        int levels = spec.levels();
        float[] perLevel = gapPartials[share];
        Arrays.fill(perLevel, 0f);
        int[] lv = cachedLevels;
        for (int i = from; i < to; i++) {
            int dst = lv[i] * width;
            for (int j = 0; j < width; j++) {
                perLevel[dst + j] += top[i * width + j];
            }
        }
        int w = layout.weightOffset(spec.depth());
        float[] running = new float[width];
        for (int s = 0; s < levels; s++) {
            for (int j = 0; j < width; j++) {
                target[w + j * levels + s] += running[j];
                running[j] += perLevel[s * width + j];
            }
        }
    }

    /** Adds {@code in^T g} over rows {@code [from, to)} to the weight block at {@code offset}, in cache-sized panels. */
    private static void weightGradient(float[] in, int inDim, float[] g, int outDim, int from, int to, float[] target,
                                       int offset) {
        for (int p = from; p < to; p += GRAD_PANEL) {
            int rows = Math.min(GRAD_PANEL, to - p);
            VectorGemm.multiply(in, p * inDim, 1, inDim, g, p * outDim, rows, outDim, target, offset, 0, inDim, true,
                    null, 0);
        }
    }

    /** Transposed weights and the gap weights {@code a_t}, recomputed because the optimiser updates in place. */
    private void refreshDerivedWeights() {
        for (int l = 0; l <= spec.depth(); l++) {
            VectorGemm.transpose(params, layout.weightOffset(l), spec.layerInput(l), spec.layerOutput(l),
                    transposed[l]);
        }
        int width = spec.width();
        int levels = spec.levels();
        float[] readoutT = transposed[spec.depth()];
        Arrays.fill(gapWeights, (levels - 1) * width, levels * width, 0f);
        for (int t = levels - 2; t >= 0; t--) {
            int row = t * width;
            int next = row + width;
            for (int j = 0; j < width; j++) {
                gapWeights[row + j] = gapWeights[next + j] + readoutT[next + j];
            }
        }
    }

    private void ensurePartials(int shares) {
        int levelsByWidth = spec.levels() * spec.width();
        if (gapPartials.length < shares) {
            gapPartials = new float[shares][levelsByWidth];
        }
        if (shares > 1 && partials.length < shares) {
            partials = new float[shares][params.length];
        }
    }

    private void ensureCapacity(int n) {
        if (n <= capacity) {
            return;
        }
        int width = spec.width();
        int depth = spec.depth();
        int featureCount = spec.featureCount();
        capacity = n;
        u = new float[n * featureCount];
        uDot = new float[n * featureCount];
        gU = new float[n * featureCount];
        dr = new float[n * spec.levels()];
        barA = new float[n * width];
        barB = new float[n * width];
        activationScratch = new float[n * width];
        z = new float[depth][n * width];
        h = new float[depth][n * width];
        d1 = new float[depth][n * width];
        d2 = new float[depth][n * width];
        delta = new float[depth][n * width];
        gamma = new float[depth][n * width];
        zDot = new float[depth][n * width];
        hDot = new float[depth][n * width];
    }

    private void checkShapes(float[] x, int @Nullable [] labels, int n) {
        if (n < 0 || x.length < n * spec.dim()) {
            throw new IllegalArgumentException("batch of " + n + " rows does not fit the given arrays");
        }
        if (labels != null && spec.classCount() > 0) {
            checkLength(labels, n, "labels");
            for (int i = 0; i < n; i++) {
                if (labels[i] < 0 || labels[i] > spec.classCount()) {
                    throw new IllegalArgumentException("label " + labels[i] + " outside 0.." + spec.classCount()
                            + " (the last is the null class)");
                }
            }
        }
    }

    private static void checkLength(float[] a, int need, String name) {
        if (a.length < need) {
            throw new IllegalArgumentException(name + " has " + a.length + " values, need " + need);
        }
    }

    private static void checkLength(int[] a, int need, String name) {
        if (a.length < need) {
            throw new IllegalArgumentException(name + " has " + a.length + " values, need " + need);
        }
    }
}
