package org.noiselab.engine.optim;

/**
 * An exponential moving average of the parameters, {@code ema = d ema + (1 - d) p}, with the warm-up
 * {@code d_k = min(decay, (1 + k) / (10 + k))} so early averages are not dominated by the initial weights (the EMA of
 * the DDPM and CDM reference code, used for sampling).
 */
public final class ExponentialMovingAverage {

    private final double decay;
    private final float[] average;
    private int updates;

    public ExponentialMovingAverage(double decay, float[] initial) {
        if (!(decay >= 0 && decay < 1)) {
            throw new org.noiselab.engine.InvalidConfigException("emaDecay", decay, "must lie in [0, 1)");
        }
        this.decay = decay;
        this.average = initial.clone();
    }

    /** Restores a saved average. */
    public ExponentialMovingAverage(double decay, float[] average, int updates) {
        this(decay, average);
        this.updates = updates;
    }

    /** Folds the current parameters into the average. */
    public void update(float[] params) {
        updates++;
        float d = (float) Math.min(decay, (1.0 + updates) / (10.0 + updates));
        float c = 1 - d;
        for (int i = 0; i < average.length; i++) {
            average[i] = d * average[i] + c * params[i];
        }
    }

    /** Replaces the average (same length), keeping the update count: for a post-training adjustment. */
    public void replace(float[] values) {
        if (values.length != average.length) {
            throw new IllegalArgumentException(values.length + " values for an average of " + average.length);
        }
        System.arraycopy(values, 0, average, 0, values.length);
    }

    /** A copy of the averaged parameters. */
    public float[] average() {
        return average.clone();
    }

    public double decay() {
        return decay;
    }

    public int updates() {
        return updates;
    }
}
