package org.noiselab.engine.objective;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.noiselab.engine.data.TrainingBatch;
import org.noiselab.engine.likelihood.ItdTerms;
import org.noiselab.engine.model.TrainableDenoiser;
import org.noiselab.engine.model.TrainableModel;

/**
 * The ITD training loss (Kong et al. 2023; the CDL reference's "standard" loss): the batch mean of one-point
 * estimates {@code -log p(x_i) ~= h_G + 1/2 w(l_i) (||eps_i - eps_hat(z_i, l_i)||^2 - mmse_G(l_i))}, with
 * {@code l_i} drawn from the truncated logistic proposal. Its value is a (noisy) negative log-likelihood in nats.
 */
public final class ItdLoss implements DiffusionLoss {

    private final ItdTerms terms;
    private float[] out = new float[0];
    private float[] grad = new float[0];

    public ItdLoss(ItdTerms terms) {
        this.terms = terms;
    }

    @Override
    public ObjectiveSpec spec() {
        return new ObjectiveSpec.Itd();
    }

    @Override
    public double lossAndGradient(TrainableModel trainable, TrainingBatch batch, SplittableRandom rng) {
        TrainableDenoiser model = DiffusionLoss.denoiser(trainable, spec());
        int n = batch.n();
        double[] zeta = new double[n];
        Arrays.fill(zeta, Double.NaN);
        terms.build(batch.x0(), n, batch.dim(), zeta, 1, rng);
        int values = n * batch.dim();
        if (out.length < values) {
            out = new float[values];
            grad = new float[values];
        }
        model.forwardForTraining(terms.inputs(), terms.queryLogSnr(), batch.labels(), n, out);
        double[] coefficient = new double[n];
        Arrays.fill(coefficient, 1.0 / n);
        double[] nll = terms.evaluate(out, coefficient, grad);
        model.backward(grad);
        double mean = 0;
        for (double v : nll) {
            mean += v;
        }
        return mean / n;
    }
}
