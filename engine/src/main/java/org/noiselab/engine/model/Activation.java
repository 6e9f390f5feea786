package org.noiselab.engine.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Hidden-layer non-linearities with their first derivatives, applied in place over float ranges with the Vector API.
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

    /** {@code h[i] = act(z[i])} for i in {@code [from, to)}. */
    public void forward(float[] z, float[] h, int from, int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        for (; i < upper; i += S.length()) {
            forward(FloatVector.fromArray(S, z, i)).intoArray(h, i);
        }
        for (; i < to; i++) {
            h[i] = (float) apply(z[i]);
        }
    }

    /** {@code g[i] *= act'(z[i])} for i in {@code [from, to)}: turns a gradient w.r.t. outputs into one w.r.t. inputs. */
    public void multiplyByDerivative(float[] z, float[] g, int from, int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        for (; i < upper; i += S.length()) {
            FloatVector gz = FloatVector.fromArray(S, g, i);
            gz.mul(derivative(FloatVector.fromArray(S, z, i))).intoArray(g, i);
        }
        for (; i < to; i++) {
            g[i] = (float) (g[i] * derivative(z[i]));
        }
    }

    private FloatVector forward(FloatVector z) {
        return switch (this) {
            case RELU -> z.max(0f);
            case SILU -> z.div(z.neg().lanewise(VectorOperators.EXP).add(1f));
            case GELU -> {
                FloatVector u = z.mul(z).mul(GELU_A).add(1f).mul(z).mul(GELU_C);
                yield z.mul(0.5f).mul(u.lanewise(VectorOperators.TANH).add(1f));
            }
            case TANH -> z.lanewise(VectorOperators.TANH);
        };
    }

    private FloatVector derivative(FloatVector z) {
        return switch (this) {
            case RELU -> FloatVector.zero(S).blend(1f, z.compare(VectorOperators.GT, 0f));
            case SILU -> {
                FloatVector s = FloatVector.broadcast(S, 1f).div(z.neg().lanewise(VectorOperators.EXP).add(1f));
                yield s.mul(z.mul(s.neg().add(1f)).add(1f));
            }
            case GELU -> {
                FloatVector z2 = z.mul(z);
                FloatVector th = z2.mul(GELU_A).add(1f).mul(z).mul(GELU_C).lanewise(VectorOperators.TANH);
                FloatVector left = th.add(1f).mul(0.5f);
                FloatVector right = z.mul(0.5f).mul(th.mul(th).neg().add(1f)).mul(GELU_C).mul(z2.mul(3 * GELU_A).add(1f));
                yield left.add(right);
            }
            case TANH -> {
                FloatVector th = z.lanewise(VectorOperators.TANH);
                yield th.mul(th).neg().add(1f);
            }
        };
    }
}
