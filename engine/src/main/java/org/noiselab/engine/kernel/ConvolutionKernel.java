package org.noiselab.engine.kernel;

import org.jspecify.annotations.Nullable;

/**
 * A same-padded 3x3 convolution (stride 1, zero padding 1) on NHWC arrays with its backward pass, as {@link Conv3x3}
 * computes it on the JVM. Weights are stored {@code [ky][kx][cin][cout]}; an instance keeps scratch state and is used
 * from one thread at a time.
 */
public interface ConvolutionKernel {

    /**
     * {@code out = conv(x, W) + b} for n images.
     *
     * @param x       {@code n h w cin} input values (NHWC)
     * @param weights storage holding the kernel {@code [3][3][cin][cout]} from {@code wOffset}
     * @param bias    storage holding {@code cout} biases from {@code bOffset}, or {@code null} for none
     * @param out     {@code n h w cout} values to overwrite
     */
    void forward(float[] x, int n, float[] weights, int wOffset, float @Nullable [] bias, int bOffset, float[] out);

    /**
     * The backward pass for n images: adds {@code dL/dW} and {@code dL/db} to {@code gradWeights} (at
     * {@code gwOffset} and {@code gbOffset}) unless it is null, and writes {@code dL/dx} to {@code gradIn} unless it
     * is null.
     *
     * @param x       the forward input ({@code n h w cin})
     * @param gradOut {@code dL/d out} ({@code n h w cout})
     */
    void backward(float[] x, float[] gradOut, int n, float[] weights, int wOffset, float @Nullable [] gradWeights,
                  int gwOffset, int gbOffset, float @Nullable [] gradIn);

    /** Refuses an empty image or channel count. */
    static void checkShape(int h, int w, int cin, int cout) {
        if (h < 1 || w < 1 || cin < 1 || cout < 1) {
            throw new IllegalArgumentException("bad convolution shape " + h + "x" + w + ", " + cin + " -> " + cout);
        }
    }
}
