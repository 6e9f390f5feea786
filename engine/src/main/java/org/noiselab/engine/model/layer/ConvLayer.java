package org.noiselab.engine.model.layer;

import java.util.SplittableRandom;
import org.noiselab.engine.kernel.Conv3x3;
import org.noiselab.engine.kernel.ConvolutionKernel;
import org.noiselab.engine.kernel.Parallelism;
import org.noiselab.engine.kernel.VectorGemm;

/**
 * A convolution with bias on NHWC activations: 3x3 with zero padding 1 ({@link Conv3x3}), or 1x1 (a plain matrix product over pixels). Weights {@code [k][k][cin][cout]}, bias {@code [cout]}.
 */
public final class ConvLayer {

    private final int h;
    private final int w;
    private final int cin;
    private final int cout;
    private final int size;
    private final int weightOffset;
    private final int biasOffset;
    /** The 3x3 kernel, made at the first convolution (building a layout for its names and counts allocates none). */
    private ConvolutionKernel kernel;
    private float[] transposed = new float[0];

    /** Registers {@code name.weight} and {@code name.bias} in the layout. */
    public ConvLayer(ParameterLayout layout, String name, int size, int h, int w, int cin, int cout) {
        if (size != 1 && size != 3) {
            throw new IllegalArgumentException("kernel size " + size + ": only 1 and 3 are supported");
        }
        this.h = h;
        this.w = w;
        this.cin = cin;
        this.cout = cout;
        this.size = size;
        this.weightOffset = layout.add(name + ".weight", size, size, cin, cout);
        this.biasOffset = layout.add(name + ".bias", cout);
    }

    public int inputChannels() {
        return cin;
    }

    public int outputChannels() {
        return cout;
    }

    /** Uniform fan-in initialisation times {@code gain} (0 gives a layer that starts as a zero map); zero bias. */
    public void initialise(float[] theta, double gain, SplittableRandom rng) {
        int count = size * size * cin * cout;
        if (gain == 0) {
            java.util.Arrays.fill(theta, weightOffset, weightOffset + count, 0f);
        } else {
            ParameterLayout.uniform(theta, weightOffset, count, size * size * cin, gain, rng);
        }
        java.util.Arrays.fill(theta, biasOffset, biasOffset + cout, 0f);
    }

    /** {@code out = conv(x) + b} for n images. */
    public void forward(float[] theta, float[] x, int n, float[] out) {
        if (size == 3) {
            kernel().forward(x, n, theta, weightOffset, theta, biasOffset, out);
        } else {
            Parallelism.forRows(n * h * w, (share, from, to) -> VectorGemm.multiply(x, 0, cin, 1, theta,
                    weightOffset, cin, cout, out, 0, from, to, false, theta, biasOffset));
        }
    }

    /**
     * Adds the parameter gradient to {@code grad} (unless it is null: an input gradient only) and, when
     * {@code gradIn} is non-null, writes {@code dL/dx}.
     *
     * @param x       the forward input
     * @param gradOut {@code dL/d out}
     */
    public void backward(float[] theta, float[] grad, float[] x, float[] gradOut, int n, float[] gradIn) {
        if (size == 3) {
            kernel().backward(x, gradOut, n, theta, weightOffset, grad, weightOffset, biasOffset, gradIn);
            return;
        }
        int pixels = n * h * w;
        if (grad != null) {
            Parallelism.forRows(cin, (share, from, to) -> VectorGemm.multiply(x, 0, 1, cin, gradOut, 0, pixels, cout,
                    grad, weightOffset, from, to, true, null, 0));
            for (int p = 0; p < pixels; p++) {
                for (int c = 0; c < cout; c++) {
                    grad[biasOffset + c] += gradOut[p * cout + c];
                }
            }
        }
        if (gradIn != null) {
            if (transposed.length < cin * cout) {
                transposed = new float[cin * cout];
            }
            VectorGemm.transpose(theta, weightOffset, cin, cout, transposed);
            Parallelism.forRows(pixels, (share, from, to) -> VectorGemm.multiply(gradOut, 0, cout, 1, transposed, 0,
                    cout, cin, gradIn, 0, from, to, false, null, 0));
        }
    }

    private ConvolutionKernel kernel() {
        if (kernel == null) {
            kernel = new Conv3x3(h, w, cin, cout);
        }
        return kernel;
    }
}
