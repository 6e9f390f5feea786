package org.noiselab.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VectorGemmTest {

    @ParameterizedTest
    @CsvSource({"1,1,1", "3,5,2", "4,7,16", "9,33,31", "17,128,128", "6,194,128", "128,64,2", "5,3,47"})
    void matchesTheNaiveProductForEveryLayoutAndTail(int rows, int k, int m) {
        SplittableRandom rng = new SplittableRandom(rows * 1000 + k * 10 + m);
        float[] a = random(rng, 3 + rows * k);
        float[] b = random(rng, 2 + k * m);
        float[] bias = random(rng, 1 + m);
        float[] c = random(rng, 5 + rows * m);
        float[] expected = c.clone();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < m; j++) {
                double s = expected[5 + r * m + j] + bias[1 + j];
                for (int q = 0; q < k; q++) {
                    s += (double) a[3 + r * k + q] * b[2 + q * m + j];
                }
                expected[5 + r * m + j] = (float) s;
            }
        }
        VectorGemm.multiply(a, 3, k, 1, b, 2, k, m, c, 5, 0, rows, true, bias, 1);
        for (int i = 0; i < c.length; i++) {
            assertThat(c[i]).isCloseTo(expected[i], within(1e-4f * (1 + Math.abs(expected[i]))));
        }
    }

    @ParameterizedTest
    @CsvSource({"5,9,3", "128,256,128", "7,13,33"})
    void transposedLeftOperandGivesTheWeightGradientProduct(int inDim, int n, int outDim) {
        SplittableRandom rng = new SplittableRandom(7);
        float[] x = random(rng, n * inDim);
        float[] g = random(rng, n * outDim);
        float[] c = new float[inDim * outDim];
        VectorGemm.multiply(x, 0, 1, inDim, g, 0, n, outDim, c, 0, 0, inDim, false, null, 0);
        for (int p = 0; p < inDim; p++) {
            for (int j = 0; j < outDim; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += (double) x[i * inDim + p] * g[i * outDim + j];
                }
                assertThat(c[p * outDim + j]).isCloseTo((float) s, within(1e-3f));
            }
        }
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextDouble(-1, 1);
        }
        return v;
    }
}
