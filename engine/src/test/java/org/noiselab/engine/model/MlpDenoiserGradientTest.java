package org.noiselab.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.noiselab.engine.model.layer.Activation;
import org.noiselab.engine.testing.GradientCheck;

/**
 * Finite-difference checks of {@link MlpDenoiser#backward}: for a random linear functional {@code L = sum c_i eps_i},
 * every checked parameter's analytic gradient must match {@code (L(theta + h) - L(theta - h)) / 2h}.
 */
class MlpDenoiserGradientTest {

    static Stream<Arguments> architectures() {
        return Stream.of(
                Arguments.of(MlpSpec.defaults(2).withWidth(24), "2D SiLU"),
                Arguments.of(MlpSpec.defaults(1).withWidth(20).withDepth(2).withActivation(Activation.GELU), "1D GELU"),
                Arguments.of(MlpSpec.defaults(2).withWidth(18).withDepth(4).withActivation(Activation.TANH), "2D tanh"),
                Arguments.of(MlpSpec.defaults(2).withWidth(33).withClassCount(3), "conditional, odd width"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("architectures")
    void analyticGradientMatchesCentralDifferences(MlpSpec spec, String label) {
        GradientReport report = check(spec, 1e-2, 400);
        assertThat(report.worst).as("worst relative error (%s)", report.where).isLessThan(2e-2);
    }

    @Test
    void reluNetworkMatchesAwayFromKinks() {
        GradientReport report = check(MlpSpec.defaults(2).withWidth(16).withActivation(Activation.RELU), 1e-3, 400);
        // A kink crossed by the finite difference spoils a few coordinates; everything else must match.
        assertThat(report.failures).isLessThanOrEqualTo(8);
    }

    @Test
    void aWrongGradientIsCaught() {
        MlpSpec spec = MlpSpec.defaults(2).withWidth(16);
        MlpDenoiser model = MlpDenoiser.initialise(spec, 1);
        Batch batch = Batch.random(spec, 5, 3);
        float[] analytic = analyticGradient(model, batch);
        int largest = 0;
        for (int p = 0; p < analytic.length; p++) {
            largest = Math.abs(analytic[p]) > Math.abs(analytic[largest]) ? p : largest;
        }
        double honest = GradientCheck.relativeError(analytic[largest], numeric(model, batch, largest, 1e-2));
        double tenPercentOff = GradientCheck.relativeError(1.1 * analytic[largest], numeric(model, batch, largest, 1e-2));
        assertThat(honest).isLessThan(2e-2);
        assertThat(tenPercentOff).isGreaterThan(2e-2);
    }

    record GradientReport(double worst, String where, int failures) {
    }

    private static GradientReport check(MlpSpec spec, double h, int samples) {
        MlpDenoiser model = MlpDenoiser.initialise(spec, 11);
        Batch batch = Batch.random(spec, 7, 5);
        float[] analytic = analyticGradient(model, batch);
        SplittableRandom pick = new SplittableRandom(3);
        double worst = 0;
        String where = "";
        int failures = 0;
        int size = model.parameters().length;
        for (int s = 0; s < samples; s++) {
            // Half the probes are spread uniformly, half land on the small tensors (biases, read-out, class table).
            int p = s % 2 == 0 ? pick.nextInt(size) : size - 1 - pick.nextInt(Math.min(size, 400));
            double err = GradientCheck.relativeError(analytic[p], numeric(model, batch, p, h));
            if (err > 2e-2) {
                failures++;
            }
            if (err > worst) {
                worst = err;
                where = "parameter " + p + " analytic " + analytic[p];
            }
        }
        return new GradientReport(worst, where, failures);
    }


    private static float[] analyticGradient(MlpDenoiser model, Batch b) {
        float[] out = new float[b.n * model.dim()];
        model.forwardForTraining(b.x, b.logSnr, b.labels, b.n, out);
        model.backward(b.weights);
        return model.gradients().clone();
    }

    private static double numeric(MlpDenoiser model, Batch b, int p, double h) {
        return GradientCheck.alongParameter(model.parameters(), p, h, () -> functional(model, b));
    }

    private static double functional(MlpDenoiser model, Batch b) {
        float[] out = new float[b.n * model.dim()];
        model.predictEps(b.x, b.logSnr, b.labels, b.n, out);
        double sum = 0;
        for (int i = 0; i < out.length; i++) {
            sum += (double) b.weights[i] * out[i];
        }
        return sum;
    }

    /** A random batch and the coefficients of the linear functional. */
    record Batch(float[] x, float[] logSnr, int[] labels, float[] weights, int n) {
        static Batch random(MlpSpec spec, int n, long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            float[] x = new float[n * spec.dim()];
            float[] w = new float[n * spec.dim()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextDouble(-2, 2);
                w[i] = (float) rng.nextDouble(-1, 1);
            }
            float[] lambda = new float[n];
            int[] labels = spec.classCount() > 0 ? new int[n] : null;
            for (int i = 0; i < n; i++) {
                lambda[i] = (float) rng.nextDouble(-8, 8);
                if (labels != null) {
                    labels[i] = rng.nextInt(spec.classCount() + 1);
                }
            }
            return new Batch(x, lambda, labels, w, n);
        }
    }
}
