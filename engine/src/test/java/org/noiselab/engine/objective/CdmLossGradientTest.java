package org.noiselab.engine.objective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.noiselab.engine.data.TrainingBatch;
import org.noiselab.engine.model.ClassifierSpec;
import org.noiselab.engine.model.MlpClassifier;
import org.noiselab.engine.model.layer.Activation;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.engine.testing.GradientCheck;

/**
 * The CDM loss (cross-entropy over noise levels plus the squared error of the classifier-gradient denoiser) and its
 * parameter gradient agree with central differences of the loss itself, for both terms together and for each alone
 * (the paper's ablation). The same levels and noise are redrawn from one seed for every evaluation.
 */
class CdmLossGradientTest {

    private static final NoiseSchedule SCHEDULE = NoiseSchedule.linear(10);

    @ParameterizedTest(name = "ce {0}, mse {1}")
    @CsvSource({"0.5, 1", "1, 0", "0, 1"})
    void lossGradientMatchesFiniteDifferences(double ceWeight, double mseWeight) {
        ClassifierSpec spec = new ClassifierSpec(2, 16, 2, Activation.SILU, 4, 2, 12, 0);
        MlpClassifier model = MlpClassifier.initialise(spec, 4);
        CdmLoss loss = new CdmLoss(new ObjectiveSpec.Cdm(ceWeight, mseWeight), SCHEDULE);
        TrainingBatch batch = batch(9);
        loss.lossAndGradient(model, batch, new SplittableRandom(77));
        float[] analytic = model.gradients().clone();

        SplittableRandom pick = new SplittableRandom(5);
        for (int probe = 0; probe < 150; probe++) {
            int p = probe % 2 == 0 ? pick.nextInt(analytic.length) : analytic.length - 1 - pick.nextInt(300);
            double numeric = GradientCheck.alongParameter(model.parameters(), p, 1e-2,
                    () -> loss.lossAndGradient(model, batch, new SplittableRandom(77)));
            double err = GradientCheck.relativeError(numeric, analytic[p]);
            assertThat(err).as("parameter %d: analytic %s numeric %s", p, analytic[p], numeric).isLessThan(2e-2);
        }
    }

    @Test
    void aClassifierWithZeroWeightsHasUniformLogitsAndPredictsTheNoisedPointItself() {
        // All weights 0: every logit is 0, so CE = log(T + 2); grad F = 0, so eps_hat = sigma_t x_t.
        ClassifierSpec spec = new ClassifierSpec(1, 8, 2, Activation.SILU, 2, 2, 12, 0);
        MlpClassifier zero = MlpClassifier.of(spec, new float[spec.parameterCount()]);
        CdmLoss loss = new CdmLoss(new ObjectiveSpec.Cdm(1, 1), SCHEDULE);
        loss.lossAndGradient(zero, batch(4000), new SplittableRandom(3));
        assertThat(loss.lastCrossEntropy()).isCloseTo(Math.log(12), within(1e-5));
        // x_0 ~ N(0, I) keeps x_t ~ N(0, I), so E|sigma x_t - eps|^2 = d (sigma^2 - 2 sigma^2 + 1) = d abar_t.
        double expected = 0;
        for (int t = 0; t < 12; t++) {
            expected += 2 * SCHEDULE.alphaBar(t) / 12;
        }
        assertThat(loss.lastSquaredError()).isCloseTo(expected, within(0.08));
    }

    private static TrainingBatch batch(int n) {
        SplittableRandom data = new SplittableRandom(2);
        float[] x0 = new float[2 * n];
        for (int i = 0; i < x0.length; i++) {
            x0[i] = (float) data.nextGaussian();
        }
        return new TrainingBatch(x0, null, n, 2);
    }
}
