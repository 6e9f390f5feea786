package org.noiselab.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.noiselab.engine.model.layer.ParameterLayout;
import org.noiselab.engine.testing.GradientCheck;

/**
 * Finite-difference checks of {@link UNetDenoiser#backward}, tensor by tensor: for a random linear functional
 * {@code L = sum c_i eps_i}, probed entries of every named tensor (every layer: convolutions, group norms, residual
 * blocks' embedding projections, the noise-level MLP, the class table) must match central differences.
 */
class UNetDenoiserGradientTest {

    private static final double TOLERANCE = 2e-2;

    static Stream<Arguments> architectures() {
        return Stream.of(
                Arguments.of(new UNetSpec(1, 8, 8, 16, 2, 0), "grey 8x8, 2 levels"),
                Arguments.of(new UNetSpec(3, 4, 4, 16, 3, 3), "RGB 4x4, 3 levels, 3 classes"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("architectures")
    void everyTensorMatchesCentralDifferences(UNetSpec spec, String label) {
        UNetDenoiser model = randomised(spec, 5);
        Batch batch = Batch.random(spec, 3, 7);
        float[] analytic = analyticGradient(model, batch);
        SplittableRandom signs = new SplittableRandom(1);
        List<String> failures = new ArrayList<>();
        int tensors = 0;
        for (ParameterLayout.Slice slice : UNetDenoiser.layoutOf(spec).slices()) {
            // Along a random +-1 direction over the whole tensor (float rounding in single entries is too noisy) ...
            float[] direction = new float[analytic.length];
            double along = 0;
            int largest = slice.offset();
            for (int p = slice.offset(); p < slice.offset() + slice.size(); p++) {
                direction[p] = signs.nextBoolean() ? 1f : -1f;
                along += direction[p] * analytic[p];
                largest = Math.abs(analytic[p]) > Math.abs(analytic[largest]) ? p : largest;
            }
            double numeric = richardson(model, batch, direction);
            if (GradientCheck.relativeError(along, numeric) > TOLERANCE) {
                failures.add(slice.name() + " along a random direction: analytic " + along + " numeric " + numeric);
            }
            // ... and at its entry with the largest gradient.
            float[] unit = new float[analytic.length];
            unit[largest] = 1f;
            double single = richardson(model, batch, unit);
            if (GradientCheck.relativeError(analytic[largest], single) > TOLERANCE) {
                failures.add(slice.name() + "[" + (largest - slice.offset()) + "]: analytic " + analytic[largest]
                        + " numeric " + single);
            }
            tensors++;
        }
        assertThat(tensors).isGreaterThan(30);
        assertThat(failures).as(label).isEmpty();
    }

    @Test
    void aWrongGradientIsCaught() {
        UNetSpec spec = new UNetSpec(1, 8, 8, 16, 2, 0);
        UNetDenoiser model = randomised(spec, 5);
        Batch batch = Batch.random(spec, 3, 7);
        float[] analytic = analyticGradient(model, batch);
        int largest = 0;
        for (int p = 0; p < analytic.length; p++) {
            largest = Math.abs(analytic[p]) > Math.abs(analytic[largest]) ? p : largest;
        }
        float[] unit = new float[analytic.length];
        unit[largest] = 1f;
        double numeric = richardson(model, batch, unit);
        assertThat(GradientCheck.relativeError(analytic[largest], numeric)).isLessThan(TOLERANCE);
        assertThat(GradientCheck.relativeError(1.1 * analytic[largest], numeric)).isGreaterThan(TOLERANCE);
    }

    @Test
    void aFreshNetworkPredictsZeroAndChunkedPredictionEqualsTrainingForward() {
        UNetSpec spec = new UNetSpec(1, 4, 4, 8, 2, 0);
        Batch batch = Batch.random(spec, 70, 3);
        float[] out = new float[70 * spec.dim()];
        UNetDenoiser.initialise(spec, 1).predictEps(batch.x, batch.logSnr, null, 70, out);
        for (float v : out) {
            assertThat(v).isZero();
        }
        UNetDenoiser model = randomised(spec, 2);
        float[] chunked = new float[out.length];
        float[] whole = new float[out.length];
        model.predictEps(batch.x, batch.logSnr, null, 70, chunked);
        model.forwardForTraining(batch.x, batch.logSnr, null, 70, whole);
        assertThat(chunked).containsExactly(whole);
    }

    /** A network with every parameter moved off its initial value (zero-initialised layers included). */
    static UNetDenoiser randomised(UNetSpec spec, long seed) {
        UNetDenoiser model = UNetDenoiser.initialise(spec, seed);
        SplittableRandom rng = new SplittableRandom(seed + 100);
        float[] theta = model.parameters();
        for (int i = 0; i < theta.length; i++) {
            theta[i] += (float) rng.nextDouble(-0.3, 0.3);
        }
        return model;
    }


    private static float[] analyticGradient(UNetDenoiser model, Batch b) {
        float[] out = new float[b.n * model.dim()];
        model.forwardForTraining(b.x, b.logSnr, b.labels, b.n, out);
        model.backward(b.weights);
        return model.gradients().clone();
    }

    private static double numeric(UNetDenoiser model, Batch b, float[] direction, double h) {
        return GradientCheck.alongDirection(model.parameters(), direction, h, () -> functional(model, b));
    }

    /** {@code (4 D(h) - D(2h)) / 3}: the central difference with its {@code h^2} error term cancelled. */
    private static double richardson(UNetDenoiser model, Batch b, float[] direction) {
        return (4 * numeric(model, b, direction, 5e-3) - numeric(model, b, direction, 1e-2)) / 3;
    }

    private static double functional(UNetDenoiser model, Batch b) {
        float[] out = new float[b.n * model.dim()];
        model.predictEps(b.x, b.logSnr, b.labels, b.n, out);
        double sum = 0;
        for (int i = 0; i < out.length; i++) {
            sum += (double) b.weights[i] * out[i];
        }
        return sum;
    }

    record Batch(float[] x, float[] logSnr, int[] labels, float[] weights, int n) {
        static Batch random(UNetSpec spec, int n, long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            float[] x = new float[n * spec.dim()];
            float[] w = new float[n * spec.dim()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextDouble(-1.5, 1.5);
                w[i] = (float) rng.nextDouble(-1, 1);
            }
            float[] lambda = new float[n];
            int[] labels = spec.classCount() > 0 ? new int[n] : null;
            for (int i = 0; i < n; i++) {
                lambda[i] = (float) rng.nextDouble(-6, 6);
                if (labels != null) {
                    labels[i] = rng.nextInt(spec.classCount() + 1);
                }
            }
            return new Batch(x, lambda, labels, w, n);
        }
    }
}
