package org.noiselab.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.noiselab.engine.data.TrainingBatch;
import org.noiselab.engine.model.layer.ParameterLayout;
import org.noiselab.engine.objective.CdmLoss;
import org.noiselab.engine.objective.ObjectiveSpec;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.engine.testing.GradientCheck;

/**
 * The convolutional noise-level classifier against central differences: its input gradient of the level gap (at
 * fractional levels), and the CDM loss's parameter gradient tensor by tensor, whose squared-error part goes through
 * the central-difference Hessian-vector product; the same levels and noise are redrawn from one seed every time.
 */
class ConvNoiseClassifierGradientTest {

    private static final NoiseSchedule SCHEDULE = NoiseSchedule.linear(10);
    private static final double TOLERANCE = 2e-2;

    @Test
    void levelGapGradientMatchesCentralDifferencesOfTheLogits() {
        ConvClassifierSpec spec = new ConvClassifierSpec(2, 4, 4, 16, 2, 12, 2);
        ConvNoiseClassifier model = randomised(spec, 3);
        int n = 3;
        SplittableRandom rng = new SplittableRandom(4);
        float[] x = random(rng, n * spec.dim(), 1);
        float[] level = {0.3f, 5f, 10.7f};
        int[] labels = {0, 2, 1};
        float[] analytic = new float[n * spec.dim()];
        model.levelGapGradient(x, level, labels, n, analytic);
        for (int i = 0; i < n; i++) {
            float[] u = new float[n * spec.dim()];
            double along = 0;
            for (int k = i * spec.dim(); k < (i + 1) * spec.dim(); k++) {
                u[k] = rng.nextBoolean() ? 1f : -1f;
                along += u[k] * analytic[k];
            }
            double h = 1e-2;
            double numeric = (gap(model, shifted(x, u, h), level, labels, i)
                    - gap(model, shifted(x, u, -h), level, labels, i)) / (2 * h);
            assertThat(GradientCheck.relativeError(along, numeric)).as("row %d: analytic %s numeric %s", i, along, numeric)
                    .isLessThan(TOLERANCE);
        }
    }

    @ParameterizedTest(name = "ce {0}, mse {1}, classes {2}")
    @CsvSource({"0.5, 1, 0", "0, 1, 0", "1, 0, 2", "0.2, 1, 2"})
    void cdmLossGradientMatchesCentralDifferencesForEveryTensor(double ce, double mse, int classes) {
        ConvClassifierSpec spec = new ConvClassifierSpec(1, 8, 8, 16, 2, 12, classes);
        ConvNoiseClassifier model = randomised(spec, 5);
        CdmLoss loss = new CdmLoss(new ObjectiveSpec.Cdm(ce, mse), SCHEDULE);
        TrainingBatch batch = batch(spec, 4, classes);
        loss.lossAndGradient(model, batch, new SplittableRandom(77));
        float[] analytic = model.gradients().clone();
        SplittableRandom signs = new SplittableRandom(8);
        List<String> failures = new ArrayList<>();
        for (ParameterLayout.Slice slice : ConvNoiseClassifier.layoutOf(spec).slices()) {
            float[] direction = new float[analytic.length];
            double along = 0;
            for (int p = slice.offset(); p < slice.offset() + slice.size(); p++) {
                direction[p] = signs.nextBoolean() ? 1f : -1f;
                along += direction[p] * analytic[p];
            }
            // Richardson-extrapolated central differences; steps large enough that float rounding of the loss stays small
            double numeric = (4 * difference(model, loss, batch, direction, 1e-2)
                    - difference(model, loss, batch, direction, 2e-2)) / 3;
            if (GradientCheck.relativeError(along, numeric) > TOLERANCE) {
                failures.add(slice.name() + ": analytic " + along + " numeric " + numeric);
            }
            if (slice.name().equals("conv_in.weight")) {
                assertThat(GradientCheck.relativeError(1.1 * along, numeric)).as("a 10% error is caught").isGreaterThan(TOLERANCE);
            }
        }
        assertThat(failures).isEmpty();
    }

    private static double difference(ConvNoiseClassifier model, CdmLoss loss, TrainingBatch batch, float[] direction,
                                     double h) {
        return GradientCheck.alongDirection(model.parameters(), direction, h,
                () -> loss.lossAndGradient(model, batch, new SplittableRandom(77)));
    }

    /** {@code F(x_i, tau_i) = f[T+1] - f(tau)}, f interpolated linearly between integer levels. */
    private static double gap(ConvNoiseClassifier model, float[] x, float[] level, int[] labels, int row) {
        int levels = model.levels();
        int n = level.length;
        float[] logits = new float[n * levels];
        model.logits(x, labels, n, logits);
        int t0 = (int) Math.floor(level[row]);
        double a = level[row] - t0;
        double f = t0 + 1 < levels ? (1 - a) * logits[row * levels + t0] + a * logits[row * levels + t0 + 1]
                : logits[row * levels + t0];
        return logits[row * levels + levels - 1] - f;
    }

    static ConvNoiseClassifier randomised(ConvClassifierSpec spec, long seed) {
        ConvNoiseClassifier model = ConvNoiseClassifier.initialise(spec, seed);
        SplittableRandom rng = new SplittableRandom(seed + 100);
        float[] theta = model.parameters();
        for (int i = 0; i < theta.length; i++) {
            theta[i] += (float) rng.nextDouble(-0.3, 0.3);
        }
        return model;
    }

    private static TrainingBatch batch(ConvClassifierSpec spec, int n, int classes) {
        SplittableRandom rng = new SplittableRandom(2);
        int[] labels = classes == 0 ? null : new int[n];
        if (labels != null) {
            for (int i = 0; i < n; i++) {
                labels[i] = rng.nextInt(classes + 1);
            }
        }
        return new TrainingBatch(random(rng, n * spec.dim(), 1), labels, n, spec.dim());
    }

    private static float[] shifted(float[] x, float[] u, double h) {
        float[] y = x.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] += (float) (h * u[i]);
        }
        return y;
    }

    private static float[] random(SplittableRandom rng, int size, double scale) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) rng.nextDouble(-scale, scale);
        }
        return v;
    }

}
