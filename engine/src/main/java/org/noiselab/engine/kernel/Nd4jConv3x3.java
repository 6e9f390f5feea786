package org.noiselab.engine.kernel;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The same-padded 3x3 convolution on ND4J's native {@code conv2d} and {@code conv2d_bp} ops (NHWC, kernel
 * {@code [3][3][cin][cout]}, same mode): the kernel for ND4J's CUDA backend, where those ops run on the GPU (cuDNN
 * where present). Each call copies its inputs into ND4J arrays and the results back into the JVM arrays the layers
 * hold, so everything around the convolutions (group norm, activations, the dense layers) stays on the JVM kernel.
 *
 * <p>On the CPU backend this is 25-60 times slower than {@link Conv3x3} (ADR 0005), which is why it is not the
 * default there; it computes the same function and is checked against {@link Conv3x3} in the tests.
 */
public final class Nd4jConv3x3 implements ConvolutionKernel {

    /** kH, kW, sH, sW, pH, pW, dH, dW, same mode off (explicit padding 1), NHWC, weights [kH, kW, iC, oC]. */
    private static final int[] ARGS = {3, 3, 1, 1, 1, 1, 1, 1, 0, 1, 0};

    private final int h;
    private final int w;
    private final int cin;
    private final int cout;

    /** A kernel for images of {@code h x w} pixels with {@code cin} input and {@code cout} output channels. */
    public Nd4jConv3x3(int h, int w, int cin, int cout) {
        ConvolutionKernel.checkShape(h, w, cin, cout);
        this.h = h;
        this.w = w;
        this.cin = cin;
        this.cout = cout;
    }

    @Override
    public void forward(float[] x, int n, float[] weights, int wOffset, float @Nullable [] bias, int bOffset,
                        float[] out) {
        INDArray in = array(x, 0, n, cin);
        INDArray kernel = kernel(weights, wOffset);
        INDArray b = bias == null ? Nd4j.zeros(DataType.FLOAT, cout)
                : Nd4j.createFromArray(Arrays.copyOfRange(bias, bOffset, bOffset + cout));
        INDArray result = Nd4j.create(DataType.FLOAT, n, h, w, cout);
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(in, kernel, b).addOutputs(result)
                .addIntegerArguments(ARGS).build());
        copyOut(result, out, 0);
    }

    @Override
    public void backward(float[] x, float[] gradOut, int n, float[] weights, int wOffset,
                         float @Nullable [] gradWeights, int gwOffset, int gbOffset, float @Nullable [] gradIn) {
        if (gradWeights == null && gradIn == null) {
            return;
        }
        INDArray in = array(x, 0, n, cin);
        INDArray kernel = kernel(weights, wOffset);
        INDArray b = Nd4j.zeros(DataType.FLOAT, cout);
        INDArray go = array(gradOut, 0, n, cout);
        INDArray gi = in.ulike();
        INDArray gw = kernel.ulike();
        INDArray gb = b.ulike();
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(in, kernel, b, go).addOutputs(gi, gw, gb)
                .addIntegerArguments(ARGS).build());
        if (gradWeights != null) {
            add(gw.reshape(-1).toFloatVector(), gradWeights, gwOffset);
            add(gb.toFloatVector(), gradWeights, gbOffset);
        }
        if (gradIn != null) {
            copyOut(gi, gradIn, 0);
        }
    }

    private INDArray array(float[] values, int offset, int n, int channels) {
        int size = n * h * w * channels;
        return Nd4j.createFromArray(Arrays.copyOfRange(values, offset, offset + size)).reshape(n, h, w, channels);
    }

    private INDArray kernel(float[] weights, int offset) {
        return Nd4j.createFromArray(Arrays.copyOfRange(weights, offset, offset + 9 * cin * cout))
                .reshape(3, 3, cin, cout);
    }

    private static void copyOut(INDArray result, float[] dest, int offset) {
        float[] values = result.reshape(-1).toFloatVector();
        System.arraycopy(values, 0, dest, offset, values.length);
    }

    private static void add(float[] values, float[] dest, int offset) {
        for (int i = 0; i < values.length; i++) {
            dest[offset + i] += values[i];
        }
    }
}
