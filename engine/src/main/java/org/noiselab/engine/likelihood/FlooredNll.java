package org.noiselab.engine.likelihood;

/**
 * A model's mean negative log-likelihood of N data points beside the estimator's own floor and the truth. The floor
 * is the same estimator run with the exact denoiser (or the exact classifier) on the same points and the same
 * integration draws, so {@code floor - exact} is the estimator's bias (truncation of the log-SNR range, finite
 * integration points) and {@code model - floor} is what the network adds, with the integration noise largely
 * cancelled (common random numbers).
 *
 * @param model        mean estimate of {@code -log p(x)} with the model (nats)
 * @param modelStderr  its standard error over the N points
 * @param floor        mean estimate with the exact denoiser on the same draws
 * @param floorStderr  its standard error
 * @param exact        the exact mean {@code -log p(x)} of the same points
 * @param excessStderr standard error of the paired difference {@code model - floor}
 */
public record FlooredNll(double model, double modelStderr, double floor, double floorStderr, double exact,
                         double excessStderr) {

    /** {@code model - floor}: the network's share of the gap. */
    public double excess() {
        return model - floor;
    }

    /** {@code floor - exact}: the estimator's bias with a perfect network. */
    public double estimatorBias() {
        return floor - exact;
    }

    /** {@code model - exact}: the whole gap. */
    public double gap() {
        return model - exact;
    }

    /**
     * From per-point values.
     *
     * @param model per-point model estimates of {@code -log p}
     * @param floor per-point estimates with the exact denoiser on the same draws
     * @param exact per-point exact {@code -log p}
     */
    public static FlooredNll of(double[] model, double[] floor, double[] exact) {
        int n = model.length;
        if (floor.length != n || exact.length != n || n == 0) {
            throw new IllegalArgumentException("need one model, floor and exact value per point");
        }
        double[] excess = new double[n];
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(model[i])) {
                throw new IllegalArgumentException("the model's likelihood estimate of point " + i + " is " + model[i]
                        + ": its output is not finite");
            }
            excess[i] = model[i] - floor[i];
        }
        return new FlooredNll(mean(model), stderr(model), mean(floor), stderr(floor), mean(exact), stderr(excess));
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    static double stderr(double[] v) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1) / v.length);
    }
}
