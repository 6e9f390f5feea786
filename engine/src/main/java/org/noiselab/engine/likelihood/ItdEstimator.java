package org.noiselab.engine.likelihood;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.model.Denoiser;

/**
 * Log-likelihoods from any denoiser with the ITD estimator (see {@link ItdTerms}): {@code -log p(x)} in nats, and the
 * noised density {@code -log p_zeta(x)}. Importance-sampled over log-SNR with a {@link LogSnrProposal}.
 */
public final class ItdEstimator {

    private final Denoiser model;
    private final ItdTerms batch;

    public ItdEstimator(Denoiser model, GaussianReference reference, LogSnrProposal proposal) {
        this.model = model;
        this.batch = new ItdTerms(reference, proposal);
    }

    /** {@code -log p(x_i)} for n points, each with {@code points} integration draws. */
    public double[] negativeLogLikelihood(float[] x, int n, int points, SplittableRandom rng) {
        double[] zeta = new double[n];
        Arrays.fill(zeta, Double.NaN);
        return estimate(x, n, zeta, points, rng, null);
    }

    /**
     * {@code -log p(x_i)} with the reference Gaussian {@code N(mean, diag v)} as a pointwise control variate (see
     * {@link ItdTerms#evaluateAgainstPointwiseGaussian}): the same draws as {@link #negativeLogLikelihood}, the same
     * expectation without truncation, far less noise where the proposal's weights are large.
     */
    public double[] negativeLogLikelihoodAgainstGaussian(float[] x, int n, int points, SplittableRandom rng,
                                                         double[] mean) {
        if (mean.length != model.dim()) {
            throw new IllegalArgumentException("mean has " + mean.length + " values, the model " + model.dim());
        }
        double[] zeta = new double[n];
        Arrays.fill(zeta, Double.NaN);
        return estimate(x, n, zeta, points, rng, mean);
    }

    /** {@code -log p_zeta(x_i)}: the density of data noised to log-SNR {@code zeta}, at each point. */
    public double[] negativeLogLikelihoodNoised(float[] x, int n, double zeta, int points, SplittableRandom rng) {
        double[] z = new double[n];
        Arrays.fill(z, zeta);
        return estimate(x, n, z, points, rng, null);
    }

    private double[] estimate(float[] x, int n, double[] zeta, int points, SplittableRandom rng,
                              double @Nullable [] mean) {
        int dim = model.dim();
        double[] out = new double[n];
        int chunk = Math.max(1, 8192 / points);
        for (int start = 0; start < n; start += chunk) {
            int count = Math.min(chunk, n - start);
            float[] part = Arrays.copyOfRange(x, start * dim, (start + count) * dim);
            batch.build(part, count, dim, Arrays.copyOfRange(zeta, start, start + count), points, rng);
            float[] pred = new float[batch.rows() * dim];
            model.predictEps(batch.inputs(), batch.queryLogSnr(), null, batch.rows(), pred);
            double[] nll = mean == null ? batch.evaluate(pred, new double[count], null)
                    : batch.evaluateAgainstPointwiseGaussian(pred, mean);
            System.arraycopy(nll, 0, out, start, count);
        }
        return out;
    }
}
