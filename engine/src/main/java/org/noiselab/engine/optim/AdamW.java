package org.noiselab.engine.optim;

/**
 * AdamW over one flat parameter vector in a single fused loop (Loshchilov and Hutter 2019, Algorithm 2, with
 * PyTorch's ordering): after clipping the gradient to global norm {@code c}, for every coordinate
 * <pre>
 *   m = b1 m + (1 - b1) g,   v = b2 v + (1 - b2) g^2,
 *   p = p - lr wd p - lr (m / (1 - b1^k)) / (sqrt(v / (1 - b2^k)) + eps).
 * </pre>
 * Holds the moment vectors; one instance per training run.
 */
public final class AdamW {

    private final AdamWSpec spec;
    private final float[] m;
    private final float[] v;
    private int steps;

    public AdamW(AdamWSpec spec, int parameterCount) {
        this.spec = spec;
        this.m = new float[parameterCount];
        this.v = new float[parameterCount];
    }

    /** Restores saved moments (for resuming a run). */
    public AdamW(AdamWSpec spec, float[] firstMoment, float[] secondMoment, int steps) {
        if (firstMoment.length != secondMoment.length) {
            throw new IllegalArgumentException("moment vectors differ in length");
        }
        this.spec = spec;
        this.m = firstMoment.clone();
        this.v = secondMoment.clone();
        this.steps = steps;
    }

    public AdamWSpec spec() {
        return spec;
    }

    /**
     * Applies one update in place and returns the gradient's global norm before clipping. A norm that is not finite is
     * returned without any update, so the parameters and moments stay as they were.
     *
     * @param params       parameters, updated in place
     * @param grads        gradient of the loss (not modified)
     * @param learningRate the step's learning rate
     */
    public double step(float[] params, float[] grads, double learningRate) {
        if (params.length != m.length || grads.length != m.length) {
            throw new IllegalArgumentException("optimiser holds " + m.length + " moments, got " + params.length);
        }
        double norm = globalNorm(grads);
        if (!Double.isFinite(norm)) {
            return norm;
        }
        double scale = spec.clipNorm() > 0 && norm > spec.clipNorm() ? spec.clipNorm() / norm : 1.0;
        steps++;
        float b1 = (float) spec.beta1();
        float b2 = (float) spec.beta2();
        float c1 = 1 - b1;
        float c2 = 1 - b2;
        float g0 = (float) scale;
        float stepSize = (float) (learningRate / (1 - Math.pow(spec.beta1(), steps)));
        float invBias2 = (float) (1 / Math.sqrt(1 - Math.pow(spec.beta2(), steps)));
        float eps = (float) spec.epsilon();
        float decay = (float) (1 - learningRate * spec.weightDecay());
        for (int i = 0; i < params.length; i++) {
            float g = grads[i] * g0;
            float mi = b1 * m[i] + c1 * g;
            float vi = b2 * v[i] + c2 * g * g;
            m[i] = mi;
            v[i] = vi;
            params[i] = params[i] * decay - stepSize * mi / ((float) Math.sqrt(vi) * invBias2 + eps);
        }
        return norm;
    }

    /** Updates applied so far. */
    public int steps() {
        return steps;
    }

    /** Copy of the first-moment vector. */
    public float[] firstMoment() {
        return m.clone();
    }

    /** Copy of the second-moment vector. */
    public float[] secondMoment() {
        return v.clone();
    }

    static double globalNorm(float[] g) {
        double s = 0;
        for (float x : g) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
