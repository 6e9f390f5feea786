package org.noiselab.engine.likelihood;

import java.util.SplittableRandom;
import org.noiselab.engine.schedule.NoiseSchedule;

/**
 * The rows of an information-theoretic-diffusion (ITD) estimate for a set of groups: group {@code g} estimates
 * {@code -log p(x_g)} (or {@code -log p_zeta(x_g)}) with {@code points} log-SNR draws (Kong, Brekelmans, Ver Steeg
 * 2023):
 * <pre>
 *   -log p(x) ~= h_G + 1/2 mean_k w(l_k) (||eps_k - eps_hat(z_k, l_k)||^2 - mmse_G(l_k)),
 *   z_k = sqrt(sigmoid(l_k)) x + sqrt(sigmoid(-l_k)) eps_k.
 * </pre>
 * For the noised density {@code p_zeta} (x already noised to log-SNR zeta), each point queries the network at
 * {@code l' = logit(sigmoid(l) sigmoid(zeta))}, where {@code z_k} actually sits, and rescales
 * {@code eps_hat_zeta = sqrt(sigmoid(-l) / sigmoid(-l')) eps_hat(z_k, l')} (Tweedie's formula at both levels; the
 * CDL paper's trick for evaluating {@code log p_zeta} with the same network).
 *
 * <p>Fill with {@link #build}, run the network on {@link #inputs()} at {@link #queryLogSnr()}, then {@link #evaluate}.
 */
public final class ItdTerms {

    private final GaussianReference reference;
    private final LogSnrProposal proposal;
    private int rows;
    private int dim;
    private int points;
    private int groups;
    private float[] z = new float[0];
    private float[] eps = new float[0];
    private float[] query = new float[0];
    private double[] weight = new double[0];
    private double[] mmse = new double[0];
    private double[] rescale = new double[0];
    private double[] alphaBar = new double[0];
    private double[] clean = new double[0];

    public ItdTerms(GaussianReference reference, LogSnrProposal proposal) {
        this.reference = reference;
        this.proposal = proposal;
    }

    /**
     * Draws the rows.
     *
     * @param x      {@code groups * dim} points
     * @param zeta   per group, the log-SNR the point was noised to, or {@code NaN} for the clean density
     */
    public void build(float[] x, int groups, int dim, double[] zeta, int points, SplittableRandom rng) {
        this.groups = groups;
        this.dim = dim;
        this.points = points;
        this.rows = groups * points;
        ensure(rows * dim, rows);
        if (clean.length < groups * dim) {
            clean = new double[groups * dim];
        }
        for (int i = 0; i < groups * dim; i++) {
            clean[i] = x[i];
        }
        for (int g = 0; g < groups; g++) {
            for (int k = 0; k < points; k++) {
                int row = g * points + k;
                double lambda = proposal.sample(rng);
                double a = NoiseSchedule.alphaBarOfLogSnr(lambda);
                double sa = Math.sqrt(a);
                double sn = Math.sqrt(1 - a);
                for (int j = 0; j < dim; j++) {
                    float e = (float) rng.nextGaussian();
                    eps[row * dim + j] = e;
                    z[row * dim + j] = (float) (sa * x[g * dim + j] + sn * e);
                }
                weight[row] = proposal.weight(lambda);
                alphaBar[row] = a;
                mmse[row] = reference.mmse(lambda);
                if (Double.isNaN(zeta[g])) {
                    query[row] = (float) lambda;
                    rescale[row] = 1;
                } else {
                    double combined = a * NoiseSchedule.alphaBarOfLogSnr(zeta[g]);
                    query[row] = (float) NoiseSchedule.logSnrOfAlphaBar(combined);
                    rescale[row] = Math.sqrt((1 - a) / (1 - combined));
                }
            }
        }
    }

    public float[] inputs() {
        return z;
    }

    public float[] queryLogSnr() {
        return query;
    }

    public int rows() {
        return rows;
    }

    /**
     * Per-group {@code -log p} estimates from the network's output, and (when {@code gradOut} is not null) the
     * gradient of {@code sum_g coefficient[g] * nll[g]} with respect to the network output, written to
     * {@code gradOut}.
     */
    public double[] evaluate(float[] out, double[] coefficient, float[] gradOut) {
        double[] nll = new double[groups];
        double h = reference.entropy();
        for (int g = 0; g < groups; g++) {
            double sum = 0;
            for (int k = 0; k < points; k++) {
                int row = g * points + k;
                double mse = 0;
                for (int j = 0; j < dim; j++) {
                    double diff = rescale[row] * out[row * dim + j] - eps[row * dim + j];
                    mse += diff * diff;
                }
                sum += weight[row] * (mse - mmse[row]);
                if (gradOut != null) {
                    double c = coefficient[g] * weight[row] / points * rescale[row];
                    for (int j = 0; j < dim; j++) {
                        double diff = rescale[row] * out[row * dim + j] - eps[row * dim + j];
                        gradOut[row * dim + j] = (float) (c * diff);
                    }
                }
            }
            nll[g] = h + 0.5 * sum / points;
        }
        return nll;
    }

    /**
     * Per-group {@code -log p(x)} with the reference Gaussian as a pointwise control variate (clean density only):
     * <pre>
     *   -log p(x) ~= -log N(x; m, diag v) + 1/2 mean_k w(l_k) (||eps_k - eps_hat(z_k, l_k)||^2 - ||eps_k - eps_G(z_k, l_k)||^2),
     *   eps_G(z, l)_j = sqrt(1 - a) (z_j - sqrt(a) m_j) / (a v_j + 1 - a),   a = sigmoid(l),
     * </pre>
     * the ITD identity applied to the model minus the Gaussian {@code N(m, diag v)} at the same point, whose own
     * integral is done exactly ({@code -log N(x)}). With untruncated log-SNR its expectation equals {@link #evaluate}'s;
     * the two squared errors share {@code eps_k}, so at high SNR, where both approach {@code ||eps_k||^2}, their noise
     * cancels instead of being multiplied by the proposal's largest weights. The truncation leaves out only the
     * model's difference from the Gaussian.
     *
     * @param mean the reference's per-dimension mean {@code m}
     */
    public double[] evaluateAgainstPointwiseGaussian(float[] out, double[] mean) {
        double[] v = reference.variances();
        double[] nll = new double[groups];
        for (int g = 0; g < groups; g++) {
            double logN = 0;
            for (int j = 0; j < dim; j++) {
                double dx = clean[g * dim + j] - mean[j];
                logN += 0.5 * (Math.log(2 * Math.PI * v[j]) + dx * dx / v[j]);
            }
            double sum = 0;
            for (int k = 0; k < points; k++) {
                int row = g * points + k;
                if (rescale[row] != 1) {
                    throw new IllegalStateException("the pointwise reference applies to the clean density only");
                }
                double a = alphaBar[row];
                double sa = Math.sqrt(a);
                double sn = Math.sqrt(1 - a);
                double diff = 0;
                for (int j = 0; j < dim; j++) {
                    double e = eps[row * dim + j];
                    double zj = sa * clean[g * dim + j] + sn * e;
                    double gauss = sn * (zj - sa * mean[j]) / (a * v[j] + 1 - a);
                    double model = out[row * dim + j] - e;
                    double base = gauss - e;
                    diff += model * model - base * base;
                }
                sum += weight[row] * diff;
            }
            nll[g] = logN + 0.5 * sum / points;
        }
        return nll;
    }

    private void ensure(int values, int count) {
        if (z.length < values) {
            z = new float[values];
            eps = new float[values];
        }
        if (query.length < count) {
            query = new float[count];
            weight = new double[count];
            mmse = new double[count];
            rescale = new double[count];
            alphaBar = new double[count];
        }
    }
}
