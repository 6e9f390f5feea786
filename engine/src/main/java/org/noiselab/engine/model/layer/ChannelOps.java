package org.noiselab.engine.model.layer;

/**
 * Parameter-free reshaping of NHWC activations and their exact adjoints: 2x2 average pooling, nearest-neighbour 2x
 * upsampling, and concatenation along channels (the U-Net's skip connections), and the change between the channel-major layout of
 * data points and the pixel-major layout of activations.
 */
public final class ChannelOps {

    private ChannelOps() {
    }

    /** {@code out (n, h/2, w/2, c)} = mean of each 2x2 block of {@code x (n, h, w, c)}; h and w even. */
    public static void averagePool(float[] x, int n, int h, int w, int c, float[] out) {
        int ho = h / 2;
        int wo = w / 2;
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < ho; y++) {
                for (int xo = 0; xo < wo; xo++) {
                    int o = ((i * ho + y) * wo + xo) * c;
                    int a = ((i * h + 2 * y) * w + 2 * xo) * c;
                    int b = a + w * c;
                    for (int k = 0; k < c; k++) {
                        out[o + k] = 0.25f * (x[a + k] + x[a + c + k] + x[b + k] + x[b + c + k]);
                    }
                }
            }
        }
    }

    /** Adjoint of {@link #averagePool}: writes {@code gradIn (n, h, w, c)} from {@code gradOut (n, h/2, w/2, c)}. */
    public static void averagePoolBackward(float[] gradOut, int n, int h, int w, int c, float[] gradIn) {
        int ho = h / 2;
        int wo = w / 2;
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < h; y++) {
                for (int xi = 0; xi < w; xi++) {
                    int src = ((i * ho + y / 2) * wo + xi / 2) * c;
                    int dst = ((i * h + y) * w + xi) * c;
                    for (int k = 0; k < c; k++) {
                        gradIn[dst + k] = 0.25f * gradOut[src + k];
                    }
                }
            }
        }
    }

    /** {@code out (n, 2h, 2w, c)}: each pixel of {@code x (n, h, w, c)} repeated over a 2x2 block. */
    public static void upsample(float[] x, int n, int h, int w, int c, float[] out) {
        int wo = 2 * w;
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < 2 * h; y++) {
                for (int xo = 0; xo < wo; xo++) {
                    System.arraycopy(x, ((i * h + y / 2) * w + xo / 2) * c, out, ((i * 2 * h + y) * wo + xo) * c, c);
                }
            }
        }
    }

    /** Adjoint of {@link #upsample}: {@code gradIn (n, h, w, c)} sums the 2x2 block of {@code gradOut}. */
    public static void upsampleBackward(float[] gradOut, int n, int h, int w, int c, float[] gradIn) {
        int wo = 2 * w;
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < h; y++) {
                for (int xi = 0; xi < w; xi++) {
                    int dst = ((i * h + y) * w + xi) * c;
                    int a = ((i * 2 * h + 2 * y) * wo + 2 * xi) * c;
                    int b = a + wo * c;
                    for (int k = 0; k < c; k++) {
                        gradIn[dst + k] = gradOut[a + k] + gradOut[a + c + k] + gradOut[b + k] + gradOut[b + c + k];
                    }
                }
            }
        }
    }

    /** {@code out[p] = [a[p], b[p]]} for each of {@code pixels} pixels ({@code ca + cb} channels). */
    public static void concat(float[] a, int ca, float[] b, int cb, int pixels, float[] out) {
        int c = ca + cb;
        for (int p = 0; p < pixels; p++) {
            System.arraycopy(a, p * ca, out, p * c, ca);
            System.arraycopy(b, p * cb, out, p * c + ca, cb);
        }
    }

    /** Adjoint of {@link #concat}: splits {@code g} into {@code ga} and {@code gb}. */
    public static void split(float[] g, int ca, int cb, int pixels, float[] ga, float[] gb) {
        int c = ca + cb;
        for (int p = 0; p < pixels; p++) {
            System.arraycopy(g, p * c, ga, p * ca, ca);
            System.arraycopy(g, p * c + ca, gb, p * cb, cb);
        }
    }

    /** {@code target[i] += addend[i]} for {@code i < count}. */
    public static void addInto(float[] target, float[] addend, int count) {
        for (int i = 0; i < count; i++) {
            target[i] += addend[i];
        }
    }

    /** Channel-major images {@code (n, c, p)} to pixel-major {@code (n, p, c)}, {@code p} pixels per image. */
    public static void toPixelMajor(float[] chw, int n, int channels, int pixels, float[] hwc) {
        swapLastAxes(chw, n, channels, pixels, hwc);
    }

    /** Inverse of {@link #toPixelMajor}. */
    public static void toChannelMajor(float[] hwc, int n, int channels, int pixels, float[] chw) {
        swapLastAxes(hwc, n, pixels, channels, chw);
    }

    /** {@code (n, a, b)} to {@code (n, b, a)}; a plain copy when either axis has length 1. */
    private static void swapLastAxes(float[] src, int n, int a, int b, float[] dst) {
        if (a == 1 || b == 1) {
            System.arraycopy(src, 0, dst, 0, n * a * b);
            return;
        }
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < a; k++) {
                for (int q = 0; q < b; q++) {
                    dst[(i * b + q) * a + k] = src[(i * a + k) * b + q];
                }
            }
        }
    }
}
