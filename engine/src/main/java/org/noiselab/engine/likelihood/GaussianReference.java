package org.noiselab.engine.likelihood;

/**
 * The Gaussian with the data's per-dimension variances {@code v_j}, the reference of the ITD estimator: its entropy
 * {@code h_G = d/2 log(2 pi e) + 1/2 sum_j log v_j} and its minimum mean squared noise error at log-SNR {@code lambda},
 * {@code mmse_G(lambda) = sum_j sigmoid(lambda + log v_j)} (Kong et al. 2023).
 *
 * @param variances per-dimension data variances
 */
public record GaussianReference(double[] variances) {

    public GaussianReference {
        for (double v : variances) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("variances must be positive and finite");
            }
        }
        variances = variances.clone();
    }

    /** Dimension. */
    public int dim() {
        return variances.length;
    }

    /** {@code h_G} in nats. */
    public double entropy() {
        double h = 0.5 * variances.length * Math.log(2 * Math.PI * Math.E);
        for (double v : variances) {
            h += 0.5 * Math.log(v);
        }
        return h;
    }

    /** {@code mmse_G(lambda)}. */
    public double mmse(double lambda) {
        double s = 0;
        for (double v : variances) {
            s += LogSnrProposal.sigmoid(lambda + Math.log(v));
        }
        return s;
    }

    @Override
    public double[] variances() {
        return variances.clone();
    }
}
