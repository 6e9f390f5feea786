package org.noiselab.engine.model.layer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.noiselab.engine.kernel.VectorMath;

/**
 * Hidden-layer non-linearities with their first derivatives, applied in place over float ranges with the Vector API
 * (transcendentals from {@link VectorMath}, so results do not depend on the JIT's state).
 *
 * <ul>
 *   <li>{@code RELU}: {@code max(z, 0)};</li>
 *   <li>{@code SILU}: {@code z sigmoid(z)} (Elfwing et al. 2018; the default: smooth, so input gradients are smooth);</li>
 *   <li>{@code GELU}: the tanh approximation {@code z/2 (1 + tanh(sqrt(2/pi)(z + 0.044715 z^3)))} (Hendrycks and Gimpel 2016);</li>
 *   <li>{@code TANH}.</li>
 * </ul>
 */
public enum Activation {
    RELU, SILU, GELU, TANH;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float GELU_C = (float) Math.sqrt(2 / Math.PI);
    private static final float GELU_A = 0.044715f;

    /** The scalar value, for tests and reference code. */
    public double apply(double z) {
        return switch (this) {
            case RELU -> Math.max(z, 0);
            case SILU -> z / (1 + Math.exp(-z));
            case GELU -> 0.5 * z * (1 + Math.tanh(GELU_C * (z + GELU_A * z * z * z)));
            case TANH -> Math.tanh(z);
        };
    }

    /** The scalar derivative. */
    public double derivative(double z) {
        return switch (this) {
            case RELU -> z > 0 ? 1 : 0;
            case SILU -> {
                double s = 1 / (1 + Math.exp(-z));
                yield s * (1 + z * (1 - s));
            }
            case GELU -> {
                double th = Math.tanh(GELU_C * (z + GELU_A * z * z * z));
                yield 0.5 * (1 + th) + 0.5 * z * (1 - th * th) * GELU_C * (1 + 3 * GELU_A * z * z);
            }
            case TANH -> {
                double th = Math.tanh(z);
                yield 1 - th * th;
            }
        };
    }

    /** The scalar second derivative (needed to differentiate an input gradient, as the CDM loss does). */
    public double secondDerivative(double z) {
        return switch (this) {
            case RELU -> 0;
            case SILU -> {
                double s = 1 / (1 + Math.exp(-z));
                yield s * (1 - s) * (2 + z * (1 - 2 * s));
            }
            case GELU -> {
                double th = Math.tanh(GELU_C * (z + GELU_A * z * z * z));
                double du = GELU_C * (1 + 3 * GELU_A * z * z);
                double ddu = 6 * GELU_A * GELU_C * z;
                yield (1 - th * th) * (du + 0.5 * z * (ddu - 2 * th * du * du));
            }
            case TANH -> {
                double th = Math.tanh(z);
                yield -2 * th * (1 - th * th);
            }
        };
    }

    /**
     * {@code first[i] = act'(z[i])} and {@code second[i] = act''(z[i])} for i in {@code [from, to)}; {@code scratch}
     * (at least {@code to} long) holds intermediates at the same indices.
     */
    public void derivatives(float[] z, float[] first, float[] second, int from, int to, float[] scratch) {
        int upper = from + (to - from) / S.length() * S.length();
        if (upper > from) {
            derivativeVectors(z, first, second, from, upper, scratch);
        }
        if (upper < to) {
            int l = S.length();
            float[] pz = new float[l];
            float[] p1 = new float[l];
            float[] p2 = new float[l];
            System.arraycopy(z, upper, pz, 0, to - upper);
            derivativeVectors(pz, p1, p2, 0, l, new float[l]);
            System.arraycopy(p1, 0, first, upper, to - upper);
            System.arraycopy(p2, 0, second, upper, to - upper);
        }
    }

    private void derivativeVectors(float[] z, float[] first, float[] second, int from, int to, float[] scratch) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        switch (this) {
            case RELU -> {
                for (int i = from; i < to; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, z, i);
                    one.blend(0f, v.compare(VectorOperators.LE, 0f)).intoArray(first, i);
                    FloatVector.zero(S).intoArray(second, i);
                }
            }
            case SILU -> {
                VectorMath.expScaled(z, -1f, scratch, from, to);
                for (int i = from; i < to; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, z, i);
                    FloatVector s = one.div(FloatVector.fromArray(S, scratch, i).add(1f));
                    FloatVector oneMinusS = one.sub(s);
                    s.mul(v.mul(oneMinusS).add(1f)).intoArray(first, i);
                    s.mul(oneMinusS).mul(v.mul(one.sub(s.mul(2f))).add(2f)).intoArray(second, i);
                }
            }
            case GELU -> {
                tanhOf(z, scratch, from, to);
                for (int i = from; i < to; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, z, i);
                    FloatVector th = FloatVector.fromArray(S, scratch, i);
                    FloatVector sech2 = one.sub(th.mul(th));
                    FloatVector du = v.mul(v).mul(3 * GELU_A).add(1f).mul(GELU_C);
                    FloatVector ddu = v.mul(6 * GELU_A * GELU_C);
                    th.add(1f).mul(0.5f).add(v.mul(0.5f).mul(sech2).mul(du)).intoArray(first, i);
                    sech2.mul(du.add(v.mul(0.5f).mul(ddu.sub(th.mul(2f).mul(du).mul(du))))).intoArray(second, i);
                }
            }
            case TANH -> {
                tanhOf(z, scratch, from, to);
                for (int i = from; i < to; i += S.length()) {
                    FloatVector th = FloatVector.fromArray(S, scratch, i);
                    FloatVector sech2 = one.sub(th.mul(th));
                    sech2.intoArray(first, i);
                    th.mul(-2f).mul(sech2).intoArray(second, i);
                }
            }
        }
    }

    /**
     * {@code h[i] = act(z[i])} for i in {@code [from, to)}; {@code scratch} (at least {@code to} long) holds
     * intermediates at the same indices.
     */
    public void forward(float[] z, float[] h, int from, int to, float[] scratch) {
        int upper = from + (to - from) / S.length() * S.length();
        if (upper > from) {
            forwardVectors(z, h, from, upper, scratch);
        }
        if (upper < to) {
            float[] pz = new float[S.length()];
            float[] ph = new float[S.length()];
            System.arraycopy(z, upper, pz, 0, to - upper);
            forwardVectors(pz, ph, 0, S.length(), new float[S.length()]);
            System.arraycopy(ph, 0, h, upper, to - upper);
        }
    }

    /**
     * {@code g[i] *= act'(z[i])} for i in {@code [from, to)}: turns a gradient w.r.t. outputs into one w.r.t. inputs.
     * {@code scratch} (at least {@code to} long) holds intermediates at the same indices.
     */
    public void multiplyByDerivative(float[] z, float[] g, int from, int to, float[] scratch) {
        int upper = from + (to - from) / S.length() * S.length();
        if (upper > from) {
            derivativeVectors(z, g, from, upper, scratch);
        }
        if (upper < to) {
            float[] pz = new float[S.length()];
            float[] pg = new float[S.length()];
            System.arraycopy(z, upper, pz, 0, to - upper);
            System.arraycopy(g, upper, pg, 0, to - upper);
            derivativeVectors(pz, pg, 0, S.length(), new float[S.length()]);
            System.arraycopy(pg, 0, g, upper, to - upper);
        }
    }

    /** {@code tanh} of the GELU argument, or of z itself, into {@code out} (via {@code 1 - 2 / (e^{2u} + 1)}). */
    private void tanhOf(float[] z, float[] out, int from, int to) {
        if (this == GELU) {
            for (int i = from; i < to; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, z, i);
                v.mul(v).mul(GELU_A).add(1f).mul(v).mul(GELU_C).intoArray(out, i);
            }
            VectorMath.expScaled(out, 2f, out, from, to);
        } else {
            VectorMath.expScaled(z, 2f, out, from, to);
        }
        for (int i = from; i < to; i += S.length()) {
            FloatVector e = FloatVector.fromArray(S, out, i);
            FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f))).intoArray(out, i);
        }
    }

    private void forwardVectors(float[] z, float[] h, int from, int to, float[] scratch) {
        switch (this) {
            case RELU -> {
                for (int i = from; i < to; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, z, i);
                    v.blend(0f, v.compare(VectorOperators.LT, 0f)).intoArray(h, i);
                }
            }
            case SILU -> {
                VectorMath.expScaled(z, -1f, scratch, from, to);
                for (int i = from; i < to; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, z, i);
                    v.div(FloatVector.fromArray(S, scratch, i).add(1f)).intoArray(h, i);
                }
            }
            case GELU -> {
                tanhOf(z, scratch, from, to);
                for (int i = from; i < to; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, z, i);
                    v.mul(0.5f).mul(FloatVector.fromArray(S, scratch, i).add(1f)).intoArray(h, i);
                }
            }
            case TANH -> tanhOf(z, h, from, to);
        }
    }

    private void derivativeVectors(float[] z, float[] g, int from, int to, float[] scratch) {
        switch (this) {
            case RELU -> {
                for (int i = from; i < to; i += S.length()) {
                    FloatVector gv = FloatVector.fromArray(S, g, i);
                    gv.blend(0f, FloatVector.fromArray(S, z, i).compare(VectorOperators.LE, 0f)).intoArray(g, i);
                }
            }
            case SILU -> {
                VectorMath.expScaled(z, -1f, scratch, from, to);
                for (int i = from; i < to; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, z, i);
                    FloatVector s = FloatVector.broadcast(S, 1f).div(FloatVector.fromArray(S, scratch, i).add(1f));
                    FloatVector d = s.mul(v.mul(FloatVector.broadcast(S, 1f).sub(s)).add(1f));
                    FloatVector.fromArray(S, g, i).mul(d).intoArray(g, i);
                }
            }
            case GELU -> {
                tanhOf(z, scratch, from, to);
                for (int i = from; i < to; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, z, i);
                    FloatVector th = FloatVector.fromArray(S, scratch, i);
                    FloatVector left = th.add(1f).mul(0.5f);
                    FloatVector right = v.mul(0.5f).mul(FloatVector.broadcast(S, 1f).sub(th.mul(th))).mul(GELU_C)
                            .mul(v.mul(v).mul(3 * GELU_A).add(1f));
                    FloatVector.fromArray(S, g, i).mul(left.add(right)).intoArray(g, i);
                }
            }
            case TANH -> {
                tanhOf(z, scratch, from, to);
                for (int i = from; i < to; i += S.length()) {
                    FloatVector th = FloatVector.fromArray(S, scratch, i);
                    FloatVector.fromArray(S, g, i).mul(FloatVector.broadcast(S, 1f).sub(th.mul(th))).intoArray(g, i);
                }
            }
        }
    }
}
