package org.noiselab.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.noiselab.engine.kernel.Parallelism;
import org.noiselab.engine.model.layer.Activation;

/**
 * Splitting a batch over kernel threads changes nothing but the order of the gradient sums, and folding a shared
 * noise level into the first bias (the sampling fast path) changes nothing but rounding.
 */
class MlpParallelismTest {

    private final int saved = Parallelism.threads();

    @AfterEach
    void restore() {
        Parallelism.setThreads(saved);
    }

    @Test
    void twoThreadsGiveTheSameOutputsAndGradientsAsOne() {
        MlpSpec spec = MlpSpec.defaults(2).withWidth(48).withClassCount(3);
        int n = 301;
        SplittableRandom rng = new SplittableRandom(4);
        float[] x = new float[2 * n];
        float[] lambda = new float[n];
        float[] g = new float[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = (float) rng.nextGaussian();
            x[2 * i + 1] = (float) rng.nextGaussian();
            g[2 * i] = (float) rng.nextGaussian();
            g[2 * i + 1] = (float) rng.nextGaussian();
            lambda[i] = (float) rng.nextDouble(-9, 9);
            labels[i] = rng.nextInt(4);
        }
        float[][] out = new float[2][2 * n];
        float[][] grads = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            Parallelism.setThreads(threads);
            MlpDenoiser m = MlpDenoiser.initialise(spec, 9);
            m.forwardForTraining(x, lambda, labels, n, out[threads - 1]);
            m.backward(g);
            grads[threads - 1] = m.gradients().clone();
        }
        assertThat(Parallelism.shares(n)).isEqualTo(2);
        assertThat(out[1]).containsExactly(out[0]);
        for (int i = 0; i < grads[0].length; i++) {
            assertThat(grads[1][i]).isCloseTo(grads[0][i], within(1e-4f * (1 + Math.abs(grads[0][i]))));
        }
    }

    @Test
    void aSharedNoiseLevelGivesTheSamePredictionsAsPerRowLevels() {
        MlpSpec spec = MlpSpec.defaults(2).withWidth(40);
        MlpDenoiser m = MlpDenoiser.initialise(spec, 2);
        int n = 150;
        SplittableRandom rng = new SplittableRandom(6);
        float[] x = new float[2 * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        float[] shared = new float[n];
        java.util.Arrays.fill(shared, 1.7f);
        float[] fast = new float[2 * n];
        m.predictEps(x, shared, null, n, fast);
        // the same rows one at a time take the general path (one row cannot share)
        float[] slow = new float[2 * n];
        for (int i = 0; i < n; i++) {
            float[] out = new float[2];
            m.predictEps(new float[] {x[2 * i], x[2 * i + 1]}, new float[] {1.7f}, null, 1, out);
            slow[2 * i] = out[0];
            slow[2 * i + 1] = out[1];
        }
        for (int i = 0; i < fast.length; i++) {
            assertThat(fast[i]).isCloseTo(slow[i], within(1e-5f * (1 + Math.abs(slow[i]))));
        }
    }

    /**
     * Kernel threads share nothing mutable: a frequency count that leaves a partial vector (the kernel's tail scratch,
     * once shared by all threads) predicts the same every time, and a fresh network's first backward on several
     * threads (its narrow read-out's scratch, once grown from inside the threads) neither throws nor differs. A race
     * shows only sometimes, so each is repeated.
     */
    @Test
    void threadsShareNoScratch() {
        Parallelism.setThreads(Math.max(2, saved));
        MlpSpec spec = new MlpSpec(2, 24, 2, Activation.SILU, 5, 16, 6, 1, 0);
        int n = 729;
        SplittableRandom rng = new SplittableRandom(11);
        float[] x = new float[2 * n];
        float[] lambda = new float[n];
        float[] g = new float[2 * n];
        for (int i = 0; i < 2 * n; i++) {
            x[i] = (float) rng.nextGaussian();
            g[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            lambda[i] = (float) rng.nextDouble(-9, 9);
        }
        MlpDenoiser net = MlpDenoiser.initialise(spec, 3);
        float[] first = new float[2 * n];
        net.predictEps(x, lambda, null, n, first);
        float[] again = new float[2 * n];
        for (int r = 0; r < 300; r++) {
            net.predictEps(x, lambda, null, n, again);
            assertThat(Arrays.equals(again, first)).as("prediction %d equals the first", r).isTrue();
        }
        float[] reference = null;
        for (int r = 0; r < 200; r++) {
            MlpDenoiser fresh = MlpDenoiser.initialise(spec, 3);
            fresh.forwardForTraining(x, lambda, null, n, new float[2 * n]);
            fresh.backward(g);
            if (reference == null) {
                reference = fresh.gradients().clone();
            }
            assertThat(Arrays.equals(fresh.gradients(), reference)).as("first backward of fresh network %d", r)
                    .isTrue();
        }
    }
}
