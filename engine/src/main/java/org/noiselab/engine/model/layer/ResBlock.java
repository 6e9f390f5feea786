package org.noiselab.engine.model.layer;

import java.util.SplittableRandom;

/**
 * The residual block of the DDPM U-Net (Ho et al. 2020, after Wide ResNets), on NHWC activations:
 * {@code h = conv1(silu(GN1(x))) + proj(e)}, {@code out = conv2(silu(GN2(h))) + skip(x)}, where {@code e} is the
 * (already SiLU-activated) noise-level embedding, {@code proj(e)} a per-image channel bias, and {@code skip} the
 * identity or a 1x1 convolution when the channel count changes. {@code conv2} starts at zero, so a fresh block is its
 * skip path.
 */
public final class ResBlock {

    private final int pixels;
    private final int cin;
    private final int cout;
    private final int embedding;
    private final GroupNorm norm1;
    private final ConvLayer conv1;
    private final Dense projection;
    private final GroupNorm norm2;
    private final ConvLayer conv2;
    private final ConvLayer skip;
    private int capacity;
    private float[] input;
    private float[] a1;
    private float[] s1;
    private float[] h1;
    private float[] a2;
    private float[] s2;
    private float[] out;
    private float[] bias;
    private float[] gradIn;
    private float[] gradMid;
    private float[] gradBias;
    private float[] gradEmbedding;
    private float[] scratch;

    /** Registers the block's tensors under {@code name}. */
    public ResBlock(ParameterLayout layout, String name, int h, int w, int cin, int cout, int embedding, int groups) {
        this.pixels = h * w;
        this.cin = cin;
        this.cout = cout;
        this.embedding = embedding;
        this.norm1 = new GroupNorm(layout, name + ".norm1", pixels, cin, groups);
        this.conv1 = new ConvLayer(layout, name + ".conv1", 3, h, w, cin, cout);
        this.projection = new Dense(layout, name + ".emb_proj", embedding, cout);
        this.norm2 = new GroupNorm(layout, name + ".norm2", pixels, cout, groups);
        this.conv2 = new ConvLayer(layout, name + ".conv2", 3, h, w, cout, cout);
        this.skip = cin == cout ? null : new ConvLayer(layout, name + ".skip", 1, h, w, cin, cout);
    }

    public int outputChannels() {
        return cout;
    }

    /** Fan-in initialisation; {@code conv2} at zero. */
    public void initialise(float[] theta, SplittableRandom rng) {
        norm1.initialise(theta);
        conv1.initialise(theta, 1, rng);
        projection.initialise(theta, 1, rng);
        norm2.initialise(theta);
        conv2.initialise(theta, 0, rng);
        if (skip != null) {
            skip.initialise(theta, 1, rng);
        }
    }

    /**
     * Runs the block on n images; the result is the block's own buffer, valid until its next forward.
     *
     * @param x            {@code n h w cin}, kept by reference for the backward pass
     * @param embeddingAct {@code n embedding} activated noise-level embeddings
     */
    public float[] forward(float[] theta, float[] x, float[] embeddingAct, int n) {
        ensure(n);
        input = x;
        int inSize = n * pixels * cin;
        int outSize = n * pixels * cout;
        norm1.forward(theta, x, n, a1);
        Activation.SILU.forward(a1, s1, 0, inSize, scratch);
        conv1.forward(theta, s1, n, h1);
        projection.forward(theta, embeddingAct, n, bias);
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < pixels; p++) {
                int o = (i * pixels + p) * cout;
                for (int c = 0; c < cout; c++) {
                    h1[o + c] += bias[i * cout + c];
                }
            }
        }
        norm2.forward(theta, h1, n, a2);
        Activation.SILU.forward(a2, s2, 0, outSize, scratch);
        if (skip == null) {
            conv2.forward(theta, s2, n, out);
            ChannelOps.addInto(out, x, outSize);
        } else {
            skip.forward(theta, x, n, out);
            conv2.forward(theta, s2, n, gradMid);
            ChannelOps.addInto(out, gradMid, outSize);
        }
        return out;
    }

    /**
     * Back-propagates {@code dL/d out} of the last forward: adds parameter gradients to {@code grad} (unless null),
     * adds {@code dL/d embeddingAct} to {@code gradEmbeddingAct} (unless null), and returns {@code dL/dx} (the block's
     * own buffer).
     */
    public float[] backward(float[] theta, float[] grad, float[] gradOut, float[] embeddingAct, int n,
                            float[] gradEmbeddingAct) {
        int inSize = n * pixels * cin;
        int outSize = n * pixels * cout;
        conv2.backward(theta, grad, s2, gradOut, n, gradMid);
        Activation.SILU.multiplyByDerivative(a2, gradMid, 0, outSize, scratch);
        norm2.backward(theta, grad, h1, gradMid, n, gradMid);
        if (grad != null || gradEmbeddingAct != null) {
            java.util.Arrays.fill(gradBias, 0, n * cout, 0f);
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < pixels; p++) {
                    int o = (i * pixels + p) * cout;
                    for (int c = 0; c < cout; c++) {
                        gradBias[i * cout + c] += gradMid[o + c];
                    }
                }
            }
            projection.backward(theta, grad, embeddingAct, gradBias, n,
                    gradEmbeddingAct == null ? null : gradEmbedding);
            if (gradEmbeddingAct != null) {
                ChannelOps.addInto(gradEmbeddingAct, gradEmbedding, n * embedding);
            }
        }
        conv1.backward(theta, grad, s1, gradMid, n, gradIn);
        Activation.SILU.multiplyByDerivative(a1, gradIn, 0, inSize, scratch);
        norm1.backward(theta, grad, input, gradIn, n, gradIn);
        if (skip == null) {
            ChannelOps.addInto(gradIn, gradOut, inSize);
        } else {
            skip.backward(theta, grad, input, gradOut, n, a1);
            ChannelOps.addInto(gradIn, a1, inSize);
        }
        return gradIn;
    }

    private void ensure(int n) {
        if (n <= capacity) {
            return;
        }
        capacity = n;
        int inSize = n * pixels * cin;
        int outSize = n * pixels * cout;
        a1 = new float[inSize];
        s1 = new float[inSize];
        gradIn = new float[inSize];
        h1 = new float[outSize];
        a2 = new float[outSize];
        s2 = new float[outSize];
        out = new float[outSize];
        gradMid = new float[outSize];
        bias = new float[n * cout];
        gradBias = new float[n * cout];
        gradEmbedding = new float[n * embedding];
        scratch = new float[Math.max(inSize, outSize) + 64];
    }
}
