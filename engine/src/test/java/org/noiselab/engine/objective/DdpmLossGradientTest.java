package org.noiselab.engine.objective;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.noiselab.engine.data.TrainingBatch;
import org.noiselab.engine.model.MlpDenoiser;
import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.engine.testing.GradientCheck;

/**
 * The DDPM loss and its parameter gradient agree with central differences of the loss itself (the same noise and
 * noise levels are redrawn from the same seed for every evaluation).
 */
class DdpmLossGradientTest {

    @Test
    void lossGradientMatchesFiniteDifferences() {
        MlpSpec spec = MlpSpec.defaults(2).withWidth(16);
        MlpDenoiser model = MlpDenoiser.initialise(spec, 4);
        DdpmLoss loss = new DdpmLoss(NoiseSchedule.linear(1000));
        SplittableRandom data = new SplittableRandom(2);
        float[] x0 = new float[2 * 9];
        for (int i = 0; i < x0.length; i++) {
            x0[i] = (float) data.nextGaussian();
        }
        TrainingBatch batch = new TrainingBatch(x0, null, 9, 2);
        loss.lossAndGradient(model, batch, new SplittableRandom(77));
        float[] analytic = model.gradients().clone();

        SplittableRandom pick = new SplittableRandom(5);
        int checked = 0;
        for (int probe = 0; probe < 150; probe++) {
            int p = pick.nextInt(analytic.length);
            double numeric = GradientCheck.alongParameter(model.parameters(), p, 1e-2,
                    () -> loss.lossAndGradient(model, batch, new SplittableRandom(77)));
            double err = GradientCheck.relativeError(numeric, analytic[p]);
            assertThat(err).as("parameter %d: analytic %s numeric %s", p, analytic[p], numeric).isLessThan(2e-2);
            checked++;
        }
        assertThat(checked).isEqualTo(150);
    }

    @Test
    void lossIsTheMeanSquaredNoiseErrorSummedOverDimensions() {
        // A model that predicts zero everywhere has loss E||eps||^2 = dim.
        MlpSpec spec = MlpSpec.defaults(2).withWidth(8);
        MlpDenoiser zero = MlpDenoiser.of(spec, new float[spec.parameterCount()]);
        float[] x0 = new float[2 * 4000];
        double value = new DdpmLoss(NoiseSchedule.linear(1000)).lossAndGradient(zero,
                new TrainingBatch(x0, null, 4000, 2), new SplittableRandom(1));
        assertThat(value).isBetween(1.9, 2.1);
    }
}
