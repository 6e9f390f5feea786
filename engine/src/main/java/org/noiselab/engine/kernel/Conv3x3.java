package org.noiselab.engine.kernel;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A same-padded 3x3 convolution (stride 1, zero padding 1) on NHWC arrays, as nine shifted matrix products.
 *
 * <p>The input is copied once into a zero-bordered buffer {@code P} of {@code n x (h+2) x (w+2)} pixels. Number the
 * padded pixels {@code j = (i (h+2) + y) (w+2) + x}; then output pixel {@code (i, y, x)} is row {@code j} of
 * {@code V = sum_tap P[j + shift(tap)] W_tap} with {@code shift(ky, kx) = ky (w+2) + kx}. Each tap is one
 * {@link VectorGemm} product over a uniform row stride, so there is no im2col matrix and no boundary case; rows
 * {@code j} with {@code y >= h} or {@code x >= w} are computed and dropped (15% extra work at 28 x 28). Rows are done
 * in cache-sized chunks (all nine taps per chunk) split across {@link Parallelism} threads.
 *
 * <p>Backward: the input gradient is the same convolution of the output gradient with the flipped, transposed kernel
 * {@code W'_{(2-ky, 2-kx)} = W_{(ky, kx)}^T}; the weight gradient is {@code dW_tap = sum_j P[j + shift]^T G[j]} with
 * {@code G} the output gradient laid out on the padded grid (zeros at dropped rows), accumulated per thread.
 *
 * <p>Weights are stored {@code [ky][kx][cin][cout]}. Instances hold scratch buffers sized for the largest batch seen:
 * one instance per layer, used from one thread at a time.
 */
public final class Conv3x3 implements ConvolutionKernel {

    private static final int CHUNK = 256;

    private final int h;
    private final int w;
    private final int cin;
    private final int cout;
    private float[] padded = new float[0];
    private float[] virtual = new float[0];
    private float[] flipped = new float[0];
    private float[][] weightShares = new float[0][];

    /** A kernel for images of {@code h x w} pixels with {@code cin} input and {@code cout} output channels. */
    public Conv3x3(int h, int w, int cin, int cout) {
        ConvolutionKernel.checkShape(h, w, cin, cout);
        this.h = h;
        this.w = w;
        this.cin = cin;
        this.cout = cout;
    }

    /** Number of weights ({@code 9 cin cout}). */
    public int weightCount() {
        return 9 * cin * cout;
    }

    /**
     * {@code out = conv(x, W) + b} for n images.
     *
     * @param x          {@code n h w cin} input values (NHWC)
     * @param weights    storage holding the kernel {@code [3][3][cin][cout]} from {@code wOffset}
     * @param bias       storage holding {@code cout} biases from {@code bOffset}, or {@code null} for none
     * @param out        {@code n h w cout} values to overwrite
     */
    @Override
    public void forward(float[] x, int n, float[] weights, int wOffset, float @Nullable [] bias, int bOffset,
                        float[] out) {
        pad(x, n, cin);
        convolvePadded(n, cin, cout, weights, wOffset);
        compact(n, cout, bias, bOffset, out);
    }

    @Override
    public void backward(float[] x, float[] gradOut, int n, float[] weights, int wOffset,
                         float @Nullable [] gradWeights, int gwOffset, int gbOffset, float @Nullable [] gradIn) {
        if (gradWeights != null) {
            weightGradient(x, gradOut, n, gradWeights, gwOffset, gradWeights, gbOffset);
        }
        if (gradIn != null) {
            inputGradient(gradOut, n, weights, wOffset, gradIn);
        }
    }

    /**
     * {@code dL/dx} for n images given {@code dL/d out}; the padded copy of {@code gradOut} replaces the forward's, so
     * call {@link #weightGradient} with the forward input <em>before</em> this when both are needed.
     */
    public void inputGradient(float[] gradOut, int n, float[] weights, int wOffset, float[] gradIn) {
        int taps = 9 * cin * cout;
        if (flipped.length < taps) {
            flipped = new float[taps];
        }
        for (int ky = 0; ky < 3; ky++) {
            for (int kx = 0; kx < 3; kx++) {
                int src = wOffset + (ky * 3 + kx) * cin * cout;
                int dst = ((2 - ky) * 3 + (2 - kx)) * cout * cin;
                VectorGemm.transpose(weights, src, cin, cout, flipped, dst);
            }
        }
        pad(gradOut, n, cout);
        convolvePadded(n, cout, cin, flipped, 0);
        compact(n, cin, null, 0, gradIn);
    }

    /**
     * Adds {@code dL/dW} (and {@code dL/db} when {@code gradBias} is non-null) for n images to the gradient storage.
     *
     * @param x       the forward input ({@code n h w cin})
     * @param gradOut {@code dL/d out} ({@code n h w cout})
     */
    public void weightGradient(float[] x, float[] gradOut, int n, float[] gradWeights, int gwOffset,
                               float[] gradBias, int gbOffset) {
        pad(x, n, cin);
        int wp = w + 2;
        int rows = virtualRows(n);
        int grid = n * (h + 2) * wp;
        ensureVirtual(grid * cout);
        Arrays.fill(virtual, 0, grid * cout, 0f);
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(gradOut, ((i * h + y) * w) * cout, virtual, ((i * (h + 2) + y) * wp) * cout,
                        w * cout);
            }
        }
        int taps = 9 * cin * cout;
        int shares = Parallelism.shares(rows);
        if (weightShares.length < shares || weightShares[0].length < taps) {
            weightShares = new float[Math.max(shares, Parallelism.threads())][taps];
        }
        Parallelism.forRows(rows, (share, from, to) -> {
            float[] acc = weightShares[share];
            Arrays.fill(acc, 0, taps, 0f);
            for (int c0 = from; c0 < to; c0 += CHUNK) {
                int len = Math.min(CHUNK, to - c0);
                for (int tap = 0; tap < 9; tap++) {
                    int shift = (tap / 3) * wp + tap % 3;
                    VectorGemm.multiply(padded, (c0 + shift) * cin, 1, cin, virtual, c0 * cout, len, cout, acc,
                            tap * cin * cout, 0, cin, true, null, 0);
                }
            }
        });
        for (int s = 0; s < shares; s++) {
            float[] acc = weightShares[s];
            for (int p = 0; p < taps; p++) {
                gradWeights[gwOffset + p] += acc[p];
            }
        }
        if (gradBias != null) {
            int pixels = n * h * w;
            for (int p = 0; p < pixels; p++) {
                int o = p * cout;
                for (int c = 0; c < cout; c++) {
                    gradBias[gbOffset + c] += gradOut[o + c];
                }
            }
        }
    }

    /** Rows of the padded grid that cover every output pixel (the rest would read past the last image). */
    private int virtualRows(int n) {
        int wp = w + 2;
        return (n - 1) * (h + 2) * wp + (h - 1) * wp + w;
    }

    private void pad(float[] x, int n, int channels) {
        int wp = w + 2;
        int size = n * (h + 2) * wp * channels;
        if (padded.length < size) {
            padded = new float[size];
        }
        Arrays.fill(padded, 0, size, 0f);
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(x, ((i * h + y) * w) * channels, padded,
                        ((i * (h + 2) + y + 1) * wp + 1) * channels, w * channels);
            }
        }
    }

    private void convolvePadded(int n, int in, int outChannels, float[] weights, int wOffset) {
        int wp = w + 2;
        int rows = virtualRows(n);
        ensureVirtual(rows * outChannels);
        Parallelism.forRows(rows, (share, from, to) -> {
            for (int c0 = from; c0 < to; c0 += CHUNK) {
                int c1 = Math.min(c0 + CHUNK, to);
                for (int tap = 0; tap < 9; tap++) {
                    int shift = (tap / 3) * wp + tap % 3;
                    VectorGemm.multiply(padded, shift * in, in, 1, weights, wOffset + tap * in * outChannels, in,
                            outChannels, virtual, 0, c0, c1, tap > 0, null, 0);
                }
            }
        });
    }

    private void compact(int n, int channels, float[] bias, int bOffset, float[] out) {
        int wp = w + 2;
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < h; y++) {
                int src = ((i * (h + 2) + y) * wp) * channels;
                int dst = ((i * h + y) * w) * channels;
                if (bias == null) {
                    System.arraycopy(virtual, src, out, dst, w * channels);
                } else {
                    for (int x = 0; x < w; x++) {
                        for (int c = 0; c < channels; c++) {
                            out[dst + x * channels + c] = virtual[src + x * channels + c] + bias[bOffset + c];
                        }
                    }
                }
            }
        }
    }

    private void ensureVirtual(int size) {
        if (virtual.length < size) {
            virtual = new float[size];
        }
    }
}
