package org.noiselab.engine.objective;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.noiselab.engine.data.TrainingBatch;
import org.noiselab.engine.likelihood.GaussianReference;
import org.noiselab.engine.likelihood.ItdTerms;
import org.noiselab.engine.likelihood.LogSnrProposal;
import org.noiselab.engine.model.MlpDenoiser;
import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.engine.testing.GradientCheck;

/** The ITD and contrastive losses and their parameter gradients agree with central differences. */
class ContrastiveLossGradientTest {

    private static final double[] VARIANCES = {1.2, 0.8};

    @Test
    void itdLossGradientMatchesFiniteDifferences() {
        check(() -> new ItdLoss(terms()), 1.0);
    }

    @Test
    void contrastiveLossGradientMatchesFiniteDifferences() {
        ObjectiveSpec spec = new ObjectiveSpec.Cdl(new ObjectiveSpec.ContrastiveSettings(1.0, 3, 8));
        check(() -> new ContrastiveLoss(spec, terms(), LogSnrProposal.forVariances(VARIANCES), 5), 1.0);
    }

    @Test
    void compositeLossGradientIsTheSumOfItsParts() {
        ObjectiveSpec spec = new ObjectiveSpec.DdpmCdl(new ObjectiveSpec.ContrastiveSettings(2.0, 2, 6));
        check(() -> new CompositeLoss(spec, new DdpmLoss(NoiseSchedule.linear(1000)),
                new ContrastiveLoss(spec, terms(), LogSnrProposal.forVariances(VARIANCES), 5)), 1.0);
    }

    private static ItdTerms terms() {
        return new ItdTerms(new GaussianReference(VARIANCES), LogSnrProposal.forVariances(VARIANCES));
    }

    private static void check(Supplier<DiffusionLoss> lossFactory, double unused) {
        MlpDenoiser model = MlpDenoiser.initialise(MlpSpec.defaults(2).withWidth(16), 3);
        SplittableRandom data = new SplittableRandom(8);
        float[] x0 = new float[10];
        for (int i = 0; i < x0.length; i++) {
            x0[i] = (float) data.nextGaussian();
        }
        TrainingBatch batch = new TrainingBatch(x0, null, 5, 2);
        DiffusionLoss loss = lossFactory.get();
        double value = loss.lossAndGradient(model, batch, new SplittableRandom(42));
        assertThat(value).isFinite();
        float[] analytic = model.gradients().clone();
        SplittableRandom pick = new SplittableRandom(1);
        int failures = 0;
        for (int probe = 0; probe < 120; probe++) {
            int p = pick.nextInt(analytic.length);
            double numeric = GradientCheck.alongParameter(model.parameters(), p, 1e-2,
                    () -> lossFactory.get().lossAndGradient(model, batch, new SplittableRandom(42)));
            double err = GradientCheck.relativeError(numeric, analytic[p]);
            if (err > 2e-2) {
                failures++;
            }
        }
        assertThat(failures).isZero();
    }
}
