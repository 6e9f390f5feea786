package org.noiselab.engine.objective;

import java.util.SplittableRandom;
import org.noiselab.engine.data.TrainingBatch;
import org.noiselab.engine.model.TrainableDenoiser;
import org.noiselab.engine.model.TrainableModel;
import org.noiselab.engine.schedule.NoiseSchedule;

/**
 * The simple DDPM objective (Ho et al. 2020, eq. 14): {@code t ~ U{1..T}}, {@code eps ~ N(0, I)},
 * {@code x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps}, loss {@code mean_batch ||eps - eps_hat(x_t, lambda_t)||^2}
 * (squared error summed over dimensions, averaged over the batch, as in the CDL reference code). The gradient sent
 * back to the model is {@code 2 (eps_hat - eps) / n}.
 */
public final class DdpmLoss implements DiffusionLoss {

    private final NoiseSchedule schedule;
    private final double[] sqrtAlphaBar;
    private final double[] sigma;
    private final float[] logSnr;
    private float[] xt = new float[0];
    private float[] eps = new float[0];
    private float[] out = new float[0];
    private float[] lambdas = new float[0];

    public DdpmLoss(NoiseSchedule schedule) {
        this.schedule = schedule;
        int t = schedule.steps();
        sqrtAlphaBar = new double[t + 1];
        sigma = new double[t + 1];
        logSnr = new float[t + 1];
        for (int s = 1; s <= t; s++) {
            sqrtAlphaBar[s] = Math.sqrt(schedule.alphaBar(s));
            sigma[s] = Math.sqrt(1 - schedule.alphaBar(s));
            logSnr[s] = (float) schedule.logSnr(s);
        }
    }

    @Override
    public ObjectiveSpec spec() {
        return new ObjectiveSpec.Ddpm();
    }

    @Override
    public double lossAndGradient(TrainableModel trainable, TrainingBatch batch, SplittableRandom rng) {
        TrainableDenoiser model = DiffusionLoss.denoiser(trainable, spec());
        int n = batch.n();
        int d = batch.dim();
        ensure(n * d, n);
        float[] x0 = batch.x0();
        for (int i = 0; i < n; i++) {
            int t = 1 + rng.nextInt(schedule.steps());
            lambdas[i] = logSnr[t];
            for (int j = 0; j < d; j++) {
                int k = i * d + j;
                float e = (float) rng.nextGaussian();
                eps[k] = e;
                xt[k] = (float) (sqrtAlphaBar[t] * x0[k] + sigma[t] * e);
            }
        }
        model.forwardForTraining(xt, lambdas, batch.labels(), n, out);
        double loss = 0;
        float scale = 2f / n;
        for (int k = 0; k < n * d; k++) {
            float diff = out[k] - eps[k];
            loss += (double) diff * diff;
            out[k] = scale * diff;
        }
        model.backward(out);
        return loss / n;
    }

    private void ensure(int values, int rows) {
        if (xt.length < values) {
            xt = new float[values];
            eps = new float[values];
            out = new float[values];
        }
        if (lambdas.length < rows) {
            lambdas = new float[rows];
        }
    }
}
