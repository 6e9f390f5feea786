package org.noiselab.engine.objective;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.noiselab.engine.data.TrainingBatch;
import org.noiselab.engine.likelihood.GaussianReference;
import org.noiselab.engine.likelihood.ItdTerms;
import org.noiselab.engine.likelihood.LogSnrProposal;
import org.noiselab.engine.model.UNetDenoiser;
import org.noiselab.engine.model.UNetSpec;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.engine.testing.GradientCheck;

/**
 * DDPM + CDL and ITD on a conditional U-Net: the parameter gradient of the whole objective agrees with central
 * differences of its value (same random draws), and a conditional model's CDL densities are those of each point's own
 * class.
 */
class ImageContrastiveLossTest {

    private static final UNetSpec SPEC = new UNetSpec(1, 4, 4, 8, 2, 3);
    private static final double[] VARIANCES = variances();
    private static final ObjectiveSpec DDPM_CDL =
            new ObjectiveSpec.DdpmCdl(new ObjectiveSpec.ContrastiveSettings(1.0, 2, 4));

    @Test
    void ddpmPlusCdlGradientMatchesCentralDifferencesAlongRandomDirections() {
        assertDirectionalDerivativesMatch(ImageContrastiveLossTest::ddpmCdl);
    }

    @Test
    void itdGradientMatchesCentralDifferencesAlongRandomDirections() {
        assertDirectionalDerivativesMatch(() -> new ItdLoss(terms()));
    }

    @Test
    void eachPointsDensitiesAreThoseOfItsOwnClass() {
        UNetDenoiser model = randomised();
        TrainingBatch labelled = batch(new int[] {0, 2, 1});
        TrainingBatch allNull = batch(new int[] {3, 3, 3});
        TrainingBatch unlabelled = new TrainingBatch(labelled.x0(), null, labelled.n(), labelled.dim());
        double withLabels = cdl().lossAndGradient(model, labelled, new SplittableRandom(4));
        double nullClass = cdl().lossAndGradient(model, allNull, new SplittableRandom(4));
        double noLabels = cdl().lossAndGradient(model, unlabelled, new SplittableRandom(4));
        assertThat(noLabels).as("no labels means the null class").isEqualTo(nullClass);
        assertThat(withLabels).as("the labels reach the model").isNotCloseTo(nullClass,
                org.assertj.core.data.Offset.offset(1e-6));
        TrainingBatch swapped = batch(new int[] {2, 0, 1});
        assertThat(cdl().lossAndGradient(model, swapped, new SplittableRandom(4)))
                .as("the CDL terms use the first two points' labels").isNotCloseTo(withLabels,
                        org.assertj.core.data.Offset.offset(1e-6));
    }

    private static void assertDirectionalDerivativesMatch(Supplier<DiffusionLoss> loss) {
        UNetDenoiser model = randomised();
        TrainingBatch batch = batch(new int[] {0, 2, 1});
        loss.get().lossAndGradient(model, batch, new SplittableRandom(42));
        float[] analytic = model.gradients().clone();
        SplittableRandom signs = new SplittableRandom(9);
        for (int probe = 0; probe < 4; probe++) {
            float[] direction = new float[analytic.length];
            double along = 0;
            for (int p = 0; p < direction.length; p++) {
                direction[p] = signs.nextBoolean() ? 1f : -1f;
                along += direction[p] * analytic[p];
            }
            double numeric = (4 * difference(model, batch, loss, direction, 5e-4)
                    - difference(model, batch, loss, direction, 1e-3)) / 3;
            assertThat(GradientCheck.relativeError(numeric, along))
                    .as("direction %d: analytic %s numeric %s", probe, along, numeric).isLessThan(1e-2);
        }
    }

    private static double difference(UNetDenoiser model, TrainingBatch batch, Supplier<DiffusionLoss> loss,
                                     float[] direction, double h) {
        return GradientCheck.alongDirection(model.parameters(), direction, h,
                () -> loss.get().lossAndGradient(model, batch, new SplittableRandom(42)));
    }

    private static DiffusionLoss ddpmCdl() {
        return new CompositeLoss(DDPM_CDL, new DdpmLoss(NoiseSchedule.linear(1000)), cdl());
    }

    private static ContrastiveLoss cdl() {
        return new ContrastiveLoss(DDPM_CDL, terms(), LogSnrProposal.forVariances(VARIANCES), 3);
    }

    private static ItdTerms terms() {
        return new ItdTerms(new GaussianReference(VARIANCES), LogSnrProposal.forVariances(VARIANCES));
    }

    /** Weights moved off their initial values so that no layer (the zero-initialised output, say) is degenerate. */
    private static UNetDenoiser randomised() {
        UNetDenoiser model = UNetDenoiser.initialise(SPEC, 5);
        float[] theta = model.parameters();
        SplittableRandom rng = new SplittableRandom(6);
        for (int i = 0; i < theta.length; i++) {
            theta[i] += (float) rng.nextDouble(-0.2, 0.2);
        }
        return model;
    }

    private static TrainingBatch batch(int[] labels) {
        SplittableRandom rng = new SplittableRandom(8);
        float[] x = new float[labels.length * SPEC.dim()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        return new TrainingBatch(x, labels, labels.length, SPEC.dim());
    }

    private static double[] variances() {
        double[] v = new double[SPEC.dim()];
        Arrays.fill(v, 0.3);
        return v;
    }
}
