package org.noiselab.engine.model;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.model.layer.Activation;
import org.noiselab.engine.model.layer.ChannelOps;
import org.noiselab.engine.model.layer.ConvLayer;
import org.noiselab.engine.model.layer.Dense;
import org.noiselab.engine.model.layer.GroupNorm;
import org.noiselab.engine.model.layer.ParameterLayout;
import org.noiselab.engine.model.layer.ResBlock;

/**
 * The convolutional noise-level classifier of a {@link ConvClassifierSpec}, trainable through its input gradient.
 *
 * <p>{@link #levelGapGradient} is one forward and one input-only backward pass. The CDM loss also needs the parameter
 * gradient of {@code sum_i v_i . grad_x F(x_i, t_i)} (the cotangent {@code v} of the input gradient): a mixed second
 * derivative. It is computed as a central difference of first-order parameter gradients along the input direction,
 * {@code d/dtheta [v . grad_x F(x)] = (d/dtheta F(x + h v) - d/dtheta F(x - h v)) / 2h + O(h^2)}, with {@code h} per
 * row chosen so the displacement {@code h v} has an RMS of {@value #DISPLACEMENT} per value (a
 * Hessian-vector product by differences, as ADR 0004 records; {@code ConvNoiseClassifierGradientTest} checks it against finite differences of
 * the whole loss). A training step thus costs three forward and four backward passes.
 *
 * <p>Not thread-safe: one instance per thread.
 */
public final class ConvNoiseClassifier implements TrainableClassifier {

    /**
     * RMS per value of the input displacement of the central-difference Hessian-vector product: 1e-2 left a 15%
     * truncation error on one tensor of a random test network, 1e-3 passes the 2% finite-difference check on all.
     */
    public static final double DISPLACEMENT = 1e-3;
    private static final int CHUNK = 64;

    private final ConvClassifierSpec spec;
    private final Network net;
    private final float[] theta;
    private final float[] grad;
    private float[] trainX = new float[0];
    private int[] trainLevels = new int[0];
    private int @Nullable [] trainLabels;
    private int trainRows;

    private ConvNoiseClassifier(ConvClassifierSpec spec, float[] theta) {
        this.spec = spec;
        this.net = new Network(spec);
        if (theta.length != net.layout.size()) {
            throw new IllegalArgumentException("parameter vector of " + theta.length + " values; " + spec + " needs "
                    + net.layout.size());
        }
        this.theta = theta;
        this.grad = new float[theta.length];
    }

    /** The named tensors of a spec's parameter vector. */
    public static ParameterLayout layoutOf(ConvClassifierSpec spec) {
        return new Network(spec).layout;
    }

    /** A freshly initialised classifier. */
    public static ConvNoiseClassifier initialise(ConvClassifierSpec spec, long seed) {
        Network n = new Network(spec);
        float[] theta = new float[n.layout.size()];
        n.initialise(theta, new SplittableRandom(seed));
        return new ConvNoiseClassifier(spec, theta);
    }

    /** A classifier holding a copy of the given parameters. */
    public static ConvNoiseClassifier of(ConvClassifierSpec spec, float[] parameters) {
        return new ConvNoiseClassifier(spec, parameters.clone());
    }

    @Override
    public int readoutBiasOffset() {
        return net.readout.biasOffset();
    }

    @Override
    public ConvClassifierSpec spec() {
        return spec;
    }

    @Override
    public float[] parameters() {
        return theta;
    }

    @Override
    public float[] gradients() {
        return grad;
    }

    @Override
    public ConvNoiseClassifier withParameters(float[] parameters) {
        return of(spec, parameters);
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
    public void logits(float[] x, int @Nullable [] labels, int n, float[] out) {
        int dim = spec.dim();
        int levels = spec.levels();
        for (int start = 0; start < n; start += CHUNK) {
            int m = Math.min(CHUNK, n - start);
            net.forward(theta, Arrays.copyOfRange(x, start * dim, (start + m) * dim), slice(labels, start, m), m);
            for (int i = 0; i < m; i++) {
                double sum = 0;
                for (int t = 0; t < levels; t++) {
                    sum += net.raw[i * levels + t];
                    out[(start + i) * levels + t] = (float) sum;
                }
            }
        }
    }

    @Override
    public void levelGapGradient(float[] x, float[] level, int @Nullable [] labels, int n, float[] out) {
        int dim = spec.dim();
        for (int i = 0; i < n; i++) {
            if (!(level[i] >= 0 && level[i] <= spec.levels() - 1)) {
                throw new IllegalArgumentException("level " + level[i] + " outside 0.." + (spec.levels() - 1));
            }
        }
        float[] seed = new float[Math.min(n, CHUNK) * spec.levels()];
        float[] gradIn = new float[Math.min(n, CHUNK) * dim];
        for (int start = 0; start < n; start += CHUNK) {
            int m = Math.min(CHUNK, n - start);
            net.forward(theta, Arrays.copyOfRange(x, start * dim, (start + m) * dim), slice(labels, start, m), m);
            for (int i = 0; i < m; i++) {
                gapSeed(level[start + i], 1, seed, i);
            }
            net.backward(theta, null, seed, m, gradIn);
            System.arraycopy(gradIn, 0, out, start * dim, m * dim);
        }
    }

    @Override
    public void forwardForTraining(float[] x, int[] levels, int @Nullable [] labels, int n, float[] logits,
                                   float[] gapGradient) {
        int dim = spec.dim();
        trainX = Arrays.copyOf(x, n * dim);
        trainLevels = Arrays.copyOf(levels, n);
        trainLabels = labels == null ? null : Arrays.copyOf(labels, n);
        trainRows = n;
        net.forward(theta, trainX, trainLabels, n);
        int l = spec.levels();
        float[] seed = new float[n * l];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int t = 0; t < l; t++) {
                sum += net.raw[i * l + t];
                logits[i * l + t] = (float) sum;
            }
            gapSeed(levels[i], 1, seed, i);
        }
        net.backward(theta, null, seed, n, gapGradient);
    }

    @Override
    public void backward(float[] gradLogits, float[] gradGap) {
        int n = trainRows;
        int dim = spec.dim();
        int l = spec.levels();
        Arrays.fill(grad, 0f);
        // d/dtheta of gradLogits . f: the cumulative sum's adjoint is a reversed cumulative sum
        float[] seed = new float[n * l];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int t = l - 1; t >= 0; t--) {
                sum += gradLogits[i * l + t];
                seed[i * l + t] = (float) sum;
            }
        }
        net.forward(theta, trainX, trainLabels, n);
        net.backward(theta, grad, seed, n, null);
        // d/dtheta of gradGap . grad_x F: a central difference along each row's cotangent
        double[] step = new double[n];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int k = 0; k < dim; k++) {
                norm += (double) gradGap[i * dim + k] * gradGap[i * dim + k];
            }
            step[i] = norm == 0 ? 0 : DISPLACEMENT * Math.sqrt(dim / norm);
        }
        float[] moved = new float[n * dim];
        for (int sign = 1; sign >= -1; sign -= 2) {
            Arrays.fill(seed, 0f);
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < dim; k++) {
                    moved[i * dim + k] = (float) (trainX[i * dim + k] + sign * step[i] * gradGap[i * dim + k]);
                }
                if (step[i] > 0) {
                    gapSeed(trainLevels[i], sign / (2 * step[i]), seed, i);
                }
            }
            net.forward(theta, moved, trainLabels, n);
            net.backward(theta, grad, seed, n, null);
        }
    }

    /** Row i of {@code seed} = {@code scale * dF(x, tau)/d raw}: raw values above the level count, interpolated. */
    private void gapSeed(double tau, double scale, float[] seed, int i) {
        int l = spec.levels();
        int t0 = (int) Math.floor(tau);
        double alpha = tau - t0;
        for (int s = 0; s < l; s++) {
            double d = (s > t0 ? 1 - alpha : 0) + (s > t0 + 1 ? alpha : 0);
            seed[i * l + s] = (float) (scale * d);
        }
    }

    private static int @Nullable [] slice(int @Nullable [] labels, int start, int m) {
        return labels == null ? null : Arrays.copyOfRange(labels, start, start + m);
    }

    /** The layers and activation buffers of one classifier. */
    private static final class Network {

        final ConvClassifierSpec spec;
        final ParameterLayout layout = new ParameterLayout();
        final int resolutions;
        final int embedding;
        final int classTable;
        final ConvLayer inConv;
        final ResBlock[] blocks;
        final ResBlock middle;
        final GroupNorm headNorm;
        final ConvLayer headConv;
        final Dense readout;
        final int[] heights;
        final int[] widths;
        final int last;
        final int headChannels;

        int capacity;
        int @Nullable [] labels;
        float[] nhwc;
        float[] embAct;
        float[] gradEmbAct;
        float[] stem;
        float[][] outs;
        float[][] pooled;
        float[][] gradPooled;
        float[] top;
        float[] normed;
        float[] activated;
        float[] headOut;
        float[] averaged;
        float[] raw;
        float[] gradTop;
        float[] gradHead;
        float[] gradAveraged;
        float[] gradInNhwc;
        float[] scratch;

        Network(ConvClassifierSpec spec) {
            this.spec = spec;
            this.resolutions = spec.resolutions();
            this.embedding = spec.embeddingWidth();
            this.classTable = layout.add("class_embedding.weight", spec.classCount() + 1, embedding);
            heights = new int[resolutions];
            widths = new int[resolutions];
            for (int r = 0; r < resolutions; r++) {
                heights[r] = spec.height() >> r;
                widths[r] = spec.width() >> r;
            }
            int g = UNetSpec.GROUPS;
            inConv = new ConvLayer(layout, "conv_in", 3, heights[0], widths[0], spec.channels(), spec.channelsAt(0));
            blocks = new ResBlock[resolutions];
            int c = spec.channelsAt(0);
            for (int r = 0; r < resolutions; r++) {
                blocks[r] = new ResBlock(layout, "down." + r, heights[r], widths[r], c, spec.channelsAt(r), embedding,
                        g);
                c = spec.channelsAt(r);
            }
            last = resolutions - 1;
            middle = new ResBlock(layout, "mid", heights[last], widths[last], c, c, embedding, g);
            headNorm = new GroupNorm(layout, "head.norm", pixels(last), c, g);
            headChannels = 2 * c;
            headConv = new ConvLayer(layout, "head.conv", 3, heights[last], widths[last], c, headChannels);
            readout = new Dense(layout, "head.readout", headChannels, spec.levels());
        }

        private int pixels(int r) {
            return heights[r] * widths[r];
        }

        void initialise(float[] theta, SplittableRandom rng) {
            ParameterLayout.uniform(theta, classTable, (spec.classCount() + 1) * embedding, 1, 1, rng);
            inConv.initialise(theta, 1, rng);
            for (ResBlock b : blocks) {
                b.initialise(theta, rng);
            }
            middle.initialise(theta, rng);
            headNorm.initialise(theta);
            headConv.initialise(theta, 1, rng);
            readout.initialise(theta, 0.1, rng);
        }

        /** Raw read-out values ({@link #raw}, {@code n x levels}) of n channel-major images. */
        void forward(float[] theta, float[] x, int @Nullable [] labels, int n) {
            ensure(n);
            this.labels = labels;
            int nullRow = spec.classCount();
            for (int i = 0; i < n; i++) {
                int row = labels == null ? nullRow : labels[i];
                if (row < 0 || row > nullRow) {
                    throw new IllegalArgumentException("class " + row + " outside 0.." + nullRow);
                }
                for (int j = 0; j < embedding; j++) {
                    float z = theta[classTable + row * embedding + j];
                    embAct[i * embedding + j] = (float) (z / (1 + Math.exp(-z)));
                }
            }
            ChannelOps.toPixelMajor(x, n, spec.channels(), pixels(0), nhwc);
            inConv.forward(theta, nhwc, n, stem);
            float[] h = stem;
            for (int r = 0; r < resolutions; r++) {
                outs[r] = blocks[r].forward(theta, h, embAct, n);
                h = outs[r];
                if (r < last) {
                    ChannelOps.averagePool(h, n, heights[r], widths[r], spec.channelsAt(r), pooled[r]);
                    h = pooled[r];
                }
            }
            top = middle.forward(theta, h, embAct, n);
            int c = spec.channelsAt(last);
            headNorm.forward(theta, top, n, normed);
            Activation.SILU.forward(normed, activated, 0, n * pixels(last) * c, scratch);
            headConv.forward(theta, activated, n, headOut);
            int p = pixels(last);
            Arrays.fill(averaged, 0, n * headChannels, 0f);
            for (int i = 0; i < n; i++) {
                for (int q = 0; q < p; q++) {
                    for (int k = 0; k < headChannels; k++) {
                        averaged[i * headChannels + k] += headOut[(i * p + q) * headChannels + k] / p;
                    }
                }
            }
            readout.forward(theta, averaged, n, raw);
        }

        /**
         * Back-propagates {@code dL/d raw} of the last forward: parameter gradients into {@code grad} (unless null),
         * the input gradient (channel-major) into {@code gradInput} (unless null).
         */
        void backward(float[] theta, float @Nullable [] grad, float[] gradRaw, int n, float @Nullable [] gradInput) {
            readout.backward(theta, grad, averaged, gradRaw, n, gradAveraged);
            int p = pixels(last);
            for (int i = 0; i < n; i++) {
                for (int q = 0; q < p; q++) {
                    for (int k = 0; k < headChannels; k++) {
                        gradHead[(i * p + q) * headChannels + k] = gradAveraged[i * headChannels + k] / p;
                    }
                }
            }
            int c = spec.channelsAt(last);
            headConv.backward(theta, grad, activated, gradHead, n, gradTop);
            Activation.SILU.multiplyByDerivative(normed, gradTop, 0, n * p * c, scratch);
            headNorm.backward(theta, grad, top, gradTop, n, gradTop);
            float[] embedGrad = grad == null ? null : gradEmbAct;
            if (embedGrad != null) {
                Arrays.fill(embedGrad, 0, n * embedding, 0f);
            }
            float[] g = middle.backward(theta, grad, gradTop, embAct, n, embedGrad);
            for (int r = last; r >= 0; r--) {
                float[] gradInput2 = blocks[r].backward(theta, grad, g, embAct, n, embedGrad);
                if (r > 0) {
                    ChannelOps.averagePoolBackward(gradInput2, n, heights[r - 1], widths[r - 1], spec.channelsAt(r - 1),
                            gradPooled[r - 1]);
                    g = gradPooled[r - 1];
                } else {
                    g = gradInput2;
                }
            }
            inConv.backward(theta, grad, nhwc, g, n, gradInput == null ? null : gradInNhwc);
            if (gradInput != null) {
                ChannelOps.toChannelMajor(gradInNhwc, n, spec.channels(), pixels(0), gradInput);
            }
            if (grad != null) {
                int nullRow = spec.classCount();
                for (int i = 0; i < n; i++) {
                    int row = labels == null ? nullRow : labels[i];
                    for (int j = 0; j < embedding; j++) {
                        double z = theta[classTable + row * embedding + j];
                        double s = 1 / (1 + Math.exp(-z));
                        grad[classTable + row * embedding + j] += (float) (gradEmbAct[i * embedding + j]
                                * s * (1 + z * (1 - s)));
                    }
                }
            }
        }

        private void ensure(int n) {
            if (n <= capacity) {
                return;
            }
            capacity = n;
            int c0 = spec.channelsAt(0);
            int cl = spec.channelsAt(last);
            nhwc = new float[n * spec.dim()];
            gradInNhwc = new float[n * spec.dim()];
            embAct = new float[n * embedding];
            gradEmbAct = new float[n * embedding];
            stem = new float[n * pixels(0) * c0];
            outs = new float[resolutions][];
            pooled = new float[resolutions][];
            gradPooled = new float[resolutions][];
            for (int r = 0; r < last; r++) {
                pooled[r] = new float[n * pixels(r + 1) * spec.channelsAt(r)];
                gradPooled[r] = new float[n * pixels(r) * spec.channelsAt(r)];
            }
            normed = new float[n * pixels(last) * cl];
            activated = new float[n * pixels(last) * cl];
            gradTop = new float[n * pixels(last) * cl];
            headOut = new float[n * pixels(last) * headChannels];
            gradHead = new float[n * pixels(last) * headChannels];
            averaged = new float[n * headChannels];
            gradAveraged = new float[n * headChannels];
            raw = new float[n * spec.levels()];
            scratch = new float[n * pixels(last) * cl + 64];
        }
    }
}
