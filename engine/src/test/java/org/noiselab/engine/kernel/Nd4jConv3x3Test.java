package org.noiselab.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.noiselab.engine.model.UNetDenoiser;
import org.noiselab.engine.model.UNetSpec;

/**
 * The ND4J convolution kernel (the one the CUDA profile uses) computes what the JVM kernel computes: outputs, input
 * gradients and accumulated weight and bias gradients, alone and inside a whole conditional U-Net; and the backend
 * setting is read as documented.
 */
class Nd4jConv3x3Test {

    @ParameterizedTest(name = "n={0} {1}x{2} {3}->{4}")
    @CsvSource({"3, 5, 7, 2, 3", "2, 6, 6, 17, 33", "1, 1, 1, 3, 4", "4, 28, 28, 1, 8"})
    void matchesTheJvmKernel(int n, int h, int w, int cin, int cout) {
        SplittableRandom rng = new SplittableRandom(n * 17L + cout);
        float[] x = random(rng, n * h * w * cin);
        float[] weights = random(rng, 9 * cin * cout + cout + 7);
        float[] gradOut = random(rng, n * h * w * cout);
        int wOffset = 3;
        int bOffset = 3 + 9 * cin * cout;
        ConvolutionKernel jvm = new Conv3x3(h, w, cin, cout);
        ConvolutionKernel nd4j = new Nd4jConv3x3(h, w, cin, cout);

        float[] expected = new float[n * h * w * cout];
        float[] actual = new float[expected.length];
        jvm.forward(x, n, weights, wOffset, weights, bOffset, expected);
        nd4j.forward(x, n, weights, wOffset, weights, bOffset, actual);
        assertClose(actual, expected, "output");
        jvm.forward(x, n, weights, wOffset, null, 0, expected);
        nd4j.forward(x, n, weights, wOffset, null, 0, actual);
        assertClose(actual, expected, "output without bias");

        float[] gradJvm = random(new SplittableRandom(5), weights.length);
        float[] gradNd4j = gradJvm.clone();
        float[] inJvm = new float[x.length];
        float[] inNd4j = new float[x.length];
        jvm.backward(x, gradOut, n, weights, wOffset, gradJvm, wOffset, bOffset, inJvm);
        nd4j.backward(x, gradOut, n, weights, wOffset, gradNd4j, wOffset, bOffset, inNd4j);
        assertClose(inNd4j, inJvm, "input gradient");
        assertClose(gradNd4j, gradJvm, "accumulated weight and bias gradients");

        float[] only = new float[x.length];
        nd4j.backward(x, gradOut, n, weights, wOffset, null, 0, 0, only);
        assertClose(only, inJvm, "input gradient alone");
    }

    @Test
    void aConditionalUNetComputesTheSameOnEitherKernel() {
        UNetSpec spec = new UNetSpec(1, 8, 8, 16, 2, 3);
        ConvolutionKernels.Backend saved = ConvolutionKernels.backend();
        try {
            ConvolutionKernels.setBackend(ConvolutionKernels.Backend.JVM);
            UNetDenoiser jvm = UNetDenoiser.initialise(spec, 4);
            ConvolutionKernels.setBackend(ConvolutionKernels.Backend.ND4J);
            UNetDenoiser nd4j = UNetDenoiser.of(spec, jvm.parameters().clone());
            SplittableRandom rng = new SplittableRandom(2);
            float[] x = random(rng, 3 * spec.dim());
            float[] logSnr = {-2f, 0.5f, 4f};
            int[] labels = {0, 3, 2};
            float[] weights = random(rng, x.length);
            float[] outJvm = new float[x.length];
            float[] outNd4j = new float[x.length];
            jvm.forwardForTraining(x, logSnr, labels, 3, outJvm);
            nd4j.forwardForTraining(x, logSnr, labels, 3, outNd4j);
            assertClose(outNd4j, outJvm, "U-Net output");
            jvm.backward(weights);
            nd4j.backward(weights);
            assertClose(nd4j.gradients(), jvm.gradients(), "U-Net parameter gradient");
        } finally {
            ConvolutionKernels.setBackend(saved);
        }
    }

    @Test
    void theSettingNamesABackendOrFailsClearly() {
        assertThat(ConvolutionKernels.fromSetting("jvm")).isEqualTo(ConvolutionKernels.Backend.JVM);
        assertThat(ConvolutionKernels.fromSetting(" ND4J ")).isEqualTo(ConvolutionKernels.Backend.ND4J);
        assertThat(ConvolutionKernels.fromSetting("auto")).as("auto picks ND4J exactly when CUDA is there").isEqualTo(
                ConvolutionKernels.cudaOnClassPath() ? ConvolutionKernels.Backend.ND4J : ConvolutionKernels.Backend.JVM);
        assertThatThrownBy(() -> ConvolutionKernels.fromSetting("gpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'gpu'").hasMessageContaining("jvm, nd4j or auto");
    }

    private static float[] random(SplittableRandom rng, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) rng.nextDouble(-1, 1);
        }
        return v;
    }

    private static void assertClose(float[] actual, float[] expected, String what) {
        double scale = 1e-6;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) Math.abs(actual[i] - expected[i])).as("%s at %d", what, i).isLessThan(2e-5 * scale);
        }
    }
}
