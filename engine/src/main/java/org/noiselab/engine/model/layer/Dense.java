package org.noiselab.engine.model.layer;

import java.util.SplittableRandom;
import org.noiselab.engine.kernel.VectorGemm;

/** A fully connected layer {@code y = x W + b} on rows ({@code W} stored {@code [in][out]}). */
public final class Dense {

    private final int in;
    private final int out;
    private final int weightOffset;
    private final int biasOffset;
    private float[] transposed = new float[0];

    /** Registers {@code name.weight} and {@code name.bias}. */
    public Dense(ParameterLayout layout, String name, int in, int out) {
        this.in = in;
        this.out = out;
        this.weightOffset = layout.add(name + ".weight", in, out);
        this.biasOffset = layout.add(name + ".bias", out);
    }

    /** Index of the first bias in the parameter vector. */
    public int biasOffset() {
        return biasOffset;
    }

    /** Uniform fan-in weights times {@code gain}, zero bias. */
    public void initialise(float[] theta, double gain, SplittableRandom rng) {
        ParameterLayout.uniform(theta, weightOffset, in * out, in, gain, rng);
        java.util.Arrays.fill(theta, biasOffset, biasOffset + out, 0f);
    }

    /** {@code y = x W + b} for n rows. */
    public void forward(float[] theta, float[] x, int n, float[] y) {
        VectorGemm.multiply(x, 0, in, 1, theta, weightOffset, in, out, y, 0, 0, n, false, theta, biasOffset);
    }

    /**
     * Adds {@code dL/dW}, {@code dL/db} to {@code grad} (unless null); writes {@code dL/dx} when {@code gradIn} is
     * non-null.
     */
    public void backward(float[] theta, float[] grad, float[] x, float[] gradOut, int n, float[] gradIn) {
        if (grad != null) {
            VectorGemm.multiply(x, 0, 1, in, gradOut, 0, n, out, grad, weightOffset, 0, in, true, null, 0);
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < out; c++) {
                    grad[biasOffset + c] += gradOut[r * out + c];
                }
            }
        }
        if (gradIn != null) {
            if (transposed.length < in * out) {
                transposed = new float[in * out];
            }
            VectorGemm.transpose(theta, weightOffset, in, out, transposed);
            VectorGemm.multiply(gradOut, 0, out, 1, transposed, 0, out, in, gradIn, 0, 0, n, false, null, 0);
        }
    }
}
