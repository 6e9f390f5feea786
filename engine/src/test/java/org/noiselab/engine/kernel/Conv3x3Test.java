package org.noiselab.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Conv3x3} against ND4J's native {@code conv2d} and {@code conv2d_bp} (NHWC, same padding, kernel
 * {@code [kH][kW][cIn][cOut]}): output, input gradient, weight and bias gradients, on one and on two threads.
 */
class Conv3x3Test {

    @AfterEach
    void restoreThreads() {
        Parallelism.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @ParameterizedTest(name = "n={0} {1}x{2} {3}->{4}, threads {5}")
    @CsvSource({"3, 5, 7, 2, 3, 1", "2, 6, 6, 17, 33, 2", "5, 4, 4, 8, 1, 2", "40, 7, 7, 16, 32, 2", "1, 1, 1, 3, 4, 1"})
    void matchesNd4jConvolutionAndItsBackward(int n, int h, int w, int cin, int cout, int threads) {
        Parallelism.setThreads(threads);
        SplittableRandom rng = new SplittableRandom(n * 31L + cin);
        float[] x = random(rng, n * h * w * cin);
        float[] weights = random(rng, 9 * cin * cout + 5);
        float[] bias = random(rng, cout + 2);
        float[] gradOut = random(rng, n * h * w * cout);

        INDArray in = Nd4j.createFromArray(x).reshape(n, h, w, cin);
        INDArray wt = Nd4j.createFromArray(java.util.Arrays.copyOfRange(weights, 5, 5 + 9 * cin * cout))
                .reshape(3, 3, cin, cout);
        INDArray b = Nd4j.createFromArray(java.util.Arrays.copyOfRange(bias, 2, 2 + cout));
        INDArray expectedOut = Nd4j.create(DataType.FLOAT, n, h, w, cout);
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(in, wt, b).addOutputs(expectedOut)
                .addIntegerArguments(3, 3, 1, 1, 1, 1, 1, 1, 0, 1, 0).build());
        INDArray go = Nd4j.createFromArray(gradOut).reshape(n, h, w, cout);
        INDArray gi = in.ulike();
        INDArray gw = wt.ulike();
        INDArray gb = b.ulike();
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(in, wt, b, go).addOutputs(gi, gw, gb)
                .addIntegerArguments(3, 3, 1, 1, 1, 1, 1, 1, 0, 1, 0).build());

        Conv3x3 conv = new Conv3x3(h, w, cin, cout);
        float[] out = new float[n * h * w * cout];
        conv.forward(x, n, weights, 5, bias, 2, out);
        float[] gradW = new float[9 * cin * cout + 5];
        float[] gradB = new float[cout + 2];
        gradW[4] = 42f;
        conv.weightGradient(x, gradOut, n, gradW, 5, gradB, 2);
        float[] gradIn = new float[n * h * w * cin];
        conv.inputGradient(gradOut, n, weights, 5, gradIn);

        assertClose(out, 0, expectedOut.reshape(-1).toFloatVector(), "output");
        assertClose(gradIn, 0, gi.reshape(-1).toFloatVector(), "input gradient");
        assertClose(gradW, 5, gw.reshape(-1).toFloatVector(), "weight gradient");
        assertClose(gradB, 2, gb.toFloatVector(), "bias gradient");
        assertThat(gradW[4]).as("storage outside the layer's slice is untouched").isEqualTo(42f);
    }

    private static void assertClose(float[] actual, int offset, float[] expected, String what) {
        double scale = 1e-6;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertThat(Math.abs(actual[offset + i] - expected[i])).as("%s at %d", what, i).isLessThan((float) (1e-5 * scale));
        }
    }

    private static float[] random(SplittableRandom rng, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }
}
