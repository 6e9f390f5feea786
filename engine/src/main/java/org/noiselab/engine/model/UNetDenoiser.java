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
 * The U-Net epsilon-prediction denoiser of a {@link UNetSpec}, with an explicit backward pass on the JVM
 * (convolutions through {@link org.noiselab.engine.kernel.Conv3x3}; see docs/decisions/0005).
 *
 * <p>Forward, for {@code L} levels with {@code D_l}/{@code U_l} the residual blocks at level {@code l}:
 * {@code e = MLP(sin/cos(f_k lambda)) [+ class_c]}, {@code h = conv_in(x)}, down: {@code s_l = D_l(h)},
 * {@code h = pool(s_l)}; middle block; up: {@code h = U_l([h, s_l])} then upsample; {@code eps_hat =
 * conv_out(silu(GN(h)))}. Activations are NHWC inside; images arrive and leave channel-major.
 *
 * <p>Not thread-safe: one instance per thread (it keeps activations for the backward pass).
 */
public final class UNetDenoiser implements TrainableDenoiser {

    /** Images per forward call when predicting (bounds the activation memory of sampling). */
    private static final int PREDICT_CHUNK = 64;

    private final UNetSpec spec;
    private final Network net;
    private final float[] theta;
    private final float[] grad;

    private UNetDenoiser(UNetSpec spec, float[] theta) {
        this.spec = spec;
        this.net = new Network(spec);
        if (theta.length != net.layout.size()) {
            throw new IllegalArgumentException("parameter vector of " + theta.length + " values; " + spec + " needs "
                    + net.layout.size());
        }
        this.theta = theta;
        this.grad = new float[theta.length];
    }

    /** The named tensors of a spec's parameter vector, in order. */
    public static ParameterLayout layoutOf(UNetSpec spec) {
        return new Network(spec).layout;
    }

    /** A freshly initialised network (fan-in uniform weights, zero-initialised residual and output convolutions). */
    public static UNetDenoiser initialise(UNetSpec spec, long seed) {
        Network n = new Network(spec);
        float[] theta = new float[n.layout.size()];
        n.initialise(theta, new SplittableRandom(seed));
        return new UNetDenoiser(spec, theta);
    }

    /** A network holding a copy of the given parameters. */
    public static UNetDenoiser of(UNetSpec spec, float[] parameters) {
        return new UNetDenoiser(spec, parameters.clone());
    }

    @Override
    public UNetSpec spec() {
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
    public UNetDenoiser withParameters(float[] parameters) {
        return of(spec, parameters);
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
    public void predictEps(float[] x, float[] logSnr, int @Nullable [] labels, int n, float[] out) {
        int dim = spec.dim();
        int chunk = Math.min(n, PREDICT_CHUNK);
        float[] xs = new float[chunk * dim];
        float[] ls = new float[chunk];
        int[] cs = labels == null ? null : new int[chunk];
        float[] os = new float[chunk * dim];
        for (int start = 0; start < n; start += chunk) {
            int m = Math.min(chunk, n - start);
            System.arraycopy(x, start * dim, xs, 0, m * dim);
            System.arraycopy(logSnr, start, ls, 0, m);
            if (cs != null) {
                System.arraycopy(labels, start, cs, 0, m);
            }
            net.forward(theta, xs, ls, cs, m, os);
            System.arraycopy(os, 0, out, start * dim, m * dim);
        }
    }

    @Override
    public void forwardForTraining(float[] x, float[] logSnr, int @Nullable [] labels, int n, float[] out) {
        net.forward(theta, x, logSnr, labels, n, out);
    }

    @Override
    public void backward(float[] gradOut) {
        Arrays.fill(grad, 0f);
        net.backward(theta, grad, gradOut);
    }

    /** The layers and activation buffers of one U-Net. */
    private static final class Network {

        final UNetSpec spec;
        final ParameterLayout layout = new ParameterLayout();
        final int levels;
        final int embedding;
        final float[] frequencies;
        final Dense embed1;
        final Dense embed2;
        final int classTable;
        final ConvLayer inConv;
        final ResBlock[] down;
        final ResBlock middle;
        final ResBlock[] up;
        final GroupNorm outNorm;
        final ConvLayer outConv;
        final int[] heights;
        final int[] widths;

        int capacity;
        int batch;
        int @Nullable [] labels;
        float[] nhwc;
        float[] features;
        float[] e1;
        float[] e1act;
        float[] emb;
        float[] embAct;
        float[] gradEmbAct;
        float[] gradE1;
        float[] stem;
        float[][] skips;
        float[][] pooled;
        float[][] joined;
        float[][] upOut;
        float[][] upsampled;
        float[] normed;
        float[] activated;
        float[] outNhwc;
        float[] gradTop;
        float[][] gradBelow;
        float[][] gradSkip;
        float[][] gradUpOut;
        float[][] gradDown;
        float[] scratch;

        Network(UNetSpec spec) {
            this.spec = spec;
            this.levels = spec.levels();
            this.embedding = spec.embeddingWidth();
            this.frequencies = SinusoidalFeatures.frequencies(UNetSpec.NOISE_FREQUENCIES, 1);
            this.embed1 = new Dense(layout, "time_embed.0", 2 * UNetSpec.NOISE_FREQUENCIES, embedding);
            this.embed2 = new Dense(layout, "time_embed.2", embedding, embedding);
            this.classTable = spec.classCount() == 0 ? -1
                    : layout.add("class_embedding.weight", spec.classCount() + 1, embedding);
            heights = new int[levels];
            widths = new int[levels];
            for (int l = 0; l < levels; l++) {
                heights[l] = spec.height() >> l;
                widths[l] = spec.width() >> l;
            }
            int g = UNetSpec.GROUPS;
            inConv = new ConvLayer(layout, "conv_in", 3, heights[0], widths[0], spec.channels(), spec.channelsAt(0));
            down = new ResBlock[levels];
            int c = spec.channelsAt(0);
            for (int l = 0; l < levels; l++) {
                down[l] = new ResBlock(layout, "down." + l, heights[l], widths[l], c, spec.channelsAt(l), embedding, g);
                c = spec.channelsAt(l);
            }
            middle = new ResBlock(layout, "mid", heights[levels - 1], widths[levels - 1], c, c, embedding, g);
            up = new ResBlock[levels];
            for (int l = levels - 1; l >= 0; l--) {
                up[l] = new ResBlock(layout, "up." + l, heights[l], widths[l], below(l) + spec.channelsAt(l),
                        spec.channelsAt(l), embedding, g);
            }
            outNorm = new GroupNorm(layout, "norm_out", pixels(0), spec.channelsAt(0), g);
            outConv = new ConvLayer(layout, "conv_out", 3, heights[0], widths[0], spec.channelsAt(0), spec.channels());
        }

        /** Channels arriving from below at up-level l: the middle block's or the upsampled level l + 1's. */
        private int below(int level) {
            return level == levels - 1 ? spec.channelsAt(levels - 1) : spec.channelsAt(level + 1);
        }

        private int pixels(int level) {
            return heights[level] * widths[level];
        }

        void initialise(float[] theta, SplittableRandom rng) {
            embed1.initialise(theta, 1, rng);
            embed2.initialise(theta, 1, rng);
            if (classTable >= 0) {
                ParameterLayout.uniform(theta, classTable, (spec.classCount() + 1) * embedding, 1, 1, rng);
            }
            inConv.initialise(theta, 1, rng);
            for (int l = 0; l < levels; l++) {
                down[l].initialise(theta, rng);
                up[l].initialise(theta, rng);
            }
            middle.initialise(theta, rng);
            outNorm.initialise(theta);
            outConv.initialise(theta, 0, rng);
        }

        void forward(float[] theta, float[] x, float[] logSnr, int @Nullable [] labels, int n, float[] out) {
            ensure(n);
            batch = n;
            this.labels = labels;
            embed(theta, logSnr, n);
            ChannelOps.toPixelMajor(x, n, spec.channels(), pixels(0), nhwc);
            inConv.forward(theta, nhwc, n, stem);
            float[] h = stem;
            for (int l = 0; l < levels; l++) {
                skips[l] = down[l].forward(theta, h, embAct, n);
                h = skips[l];
                if (l < levels - 1) {
                    ChannelOps.averagePool(h, n, heights[l], widths[l], spec.channelsAt(l), pooled[l]);
                    h = pooled[l];
                }
            }
            h = middle.forward(theta, h, embAct, n);
            for (int l = levels - 1; l >= 0; l--) {
                ChannelOps.concat(h, below(l), skips[l], spec.channelsAt(l), n * pixels(l), joined[l]);
                upOut[l] = up[l].forward(theta, joined[l], embAct, n);
                h = upOut[l];
                if (l > 0) {
                    ChannelOps.upsample(h, n, heights[l], widths[l], spec.channelsAt(l), upsampled[l]);
                    h = upsampled[l];
                }
            }
            outNorm.forward(theta, h, n, normed);
            Activation.SILU.forward(normed, activated, 0, n * pixels(0) * spec.channelsAt(0), scratch);
            outConv.forward(theta, activated, n, outNhwc);
            ChannelOps.toChannelMajor(outNhwc, n, spec.channels(), pixels(0), out);
        }

        void backward(float[] theta, float[] grad, float[] gradOut) {
            int n = batch;
            ChannelOps.toPixelMajor(gradOut, n, spec.channels(), pixels(0), outNhwc);
            outConv.backward(theta, grad, activated, outNhwc, n, gradTop);
            Activation.SILU.multiplyByDerivative(normed, gradTop, 0, n * pixels(0) * spec.channelsAt(0), scratch);
            outNorm.backward(theta, grad, upOut[0], gradTop, n, gradTop);
            Arrays.fill(gradEmbAct, 0, n * embedding, 0f);
            float[] g = gradTop;
            for (int l = 0; l < levels; l++) {
                float[] gradJoined = up[l].backward(theta, grad, g, embAct, n, gradEmbAct);
                ChannelOps.split(gradJoined, below(l), spec.channelsAt(l), n * pixels(l), gradBelow[l], gradSkip[l]);
                if (l < levels - 1) {
                    ChannelOps.upsampleBackward(gradBelow[l], n, heights[l + 1], widths[l + 1], below(l),
                            gradUpOut[l + 1]);
                    g = gradUpOut[l + 1];
                } else {
                    g = gradBelow[l];
                }
            }
            int last = levels - 1;
            g = middle.backward(theta, grad, g, embAct, n, gradEmbAct);
            ChannelOps.addInto(g, gradSkip[last], n * pixels(last) * spec.channelsAt(last));
            for (int l = last; l >= 0; l--) {
                float[] gradInput = down[l].backward(theta, grad, g, embAct, n, gradEmbAct);
                if (l > 0) {
                    int c = spec.channelsAt(l - 1);
                    ChannelOps.averagePoolBackward(gradInput, n, heights[l - 1], widths[l - 1], c, gradDown[l - 1]);
                    ChannelOps.addInto(gradDown[l - 1], gradSkip[l - 1], n * pixels(l - 1) * c);
                    g = gradDown[l - 1];
                } else {
                    g = gradInput;
                }
            }
            inConv.backward(theta, grad, nhwc, g, n, null);
            embedBackward(theta, grad, n);
        }

        /** {@code embAct = silu(MLP(sin/cos(f lambda)) + class row)}. */
        private void embed(float[] theta, float[] logSnr, int n) {
            int f = frequencies.length;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < f; k++) {
                    double a = frequencies[k] * (double) logSnr[i];
                    features[i * 2 * f + k] = (float) Math.sin(a);
                    features[i * 2 * f + f + k] = (float) Math.cos(a);
                }
            }
            embed1.forward(theta, features, n, e1);
            Activation.SILU.forward(e1, e1act, 0, n * embedding, scratch);
            embed2.forward(theta, e1act, n, emb);
            if (classTable >= 0) {
                for (int i = 0; i < n; i++) {
                    int row = classRow(i);
                    for (int j = 0; j < embedding; j++) {
                        emb[i * embedding + j] += theta[classTable + row * embedding + j];
                    }
                }
            }
            Activation.SILU.forward(emb, embAct, 0, n * embedding, scratch);
        }

        private void embedBackward(float[] theta, float[] grad, int n) {
            Activation.SILU.multiplyByDerivative(emb, gradEmbAct, 0, n * embedding, scratch);
            if (classTable >= 0) {
                for (int i = 0; i < n; i++) {
                    int row = classRow(i);
                    for (int j = 0; j < embedding; j++) {
                        grad[classTable + row * embedding + j] += gradEmbAct[i * embedding + j];
                    }
                }
            }
            embed2.backward(theta, grad, e1act, gradEmbAct, n, gradE1);
            Activation.SILU.multiplyByDerivative(e1, gradE1, 0, n * embedding, scratch);
            embed1.backward(theta, grad, features, gradE1, n, null);
        }

        private int classRow(int i) {
            int nullRow = spec.classCount();
            if (labels == null) {
                return nullRow;
            }
            int c = labels[i];
            if (c < 0 || c > nullRow) {
                throw new IllegalArgumentException("class " + c + " outside 0.." + nullRow + " (" + nullRow
                        + " is the null class)");
            }
            return c;
        }

        private void ensure(int n) {
            if (n <= capacity) {
                return;
            }
            capacity = n;
            int f = 2 * frequencies.length;
            int c0 = spec.channelsAt(0);
            nhwc = new float[n * spec.dim()];
            outNhwc = new float[n * spec.dim()];
            features = new float[n * f];
            e1 = new float[n * embedding];
            e1act = new float[n * embedding];
            emb = new float[n * embedding];
            embAct = new float[n * embedding];
            gradEmbAct = new float[n * embedding];
            gradE1 = new float[n * embedding];
            stem = new float[n * pixels(0) * c0];
            normed = new float[n * pixels(0) * c0];
            activated = new float[n * pixels(0) * c0];
            gradTop = new float[n * pixels(0) * c0];
            scratch = new float[n * pixels(0) * c0 + n * embedding + 64];
            skips = new float[levels][];
            upOut = new float[levels][];
            pooled = new float[levels][];
            joined = new float[levels][];
            upsampled = new float[levels][];
            gradBelow = new float[levels][];
            gradSkip = new float[levels][];
            gradUpOut = new float[levels][];
            gradDown = new float[levels][];
            for (int l = 0; l < levels; l++) {
                int c = spec.channelsAt(l);
                if (l < levels - 1) {
                    pooled[l] = new float[n * pixels(l + 1) * c];
                }
                if (l > 0) {
                    upsampled[l] = new float[n * pixels(l - 1) * c];
                    gradUpOut[l] = new float[n * pixels(l) * c];
                }
                gradDown[l] = new float[n * pixels(l) * c];
                joined[l] = new float[n * pixels(l) * (below(l) + c)];
                gradBelow[l] = new float[n * pixels(l) * below(l)];
                gradSkip[l] = new float[n * pixels(l) * c];
            }
        }
    }
}
