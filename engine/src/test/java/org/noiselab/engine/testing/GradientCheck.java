package org.noiselab.engine.testing;

import java.util.function.DoubleSupplier;
import java.util.function.DoubleUnaryOperator;

/**
 * Finite-difference checks of hand-written gradients, one way for every layer, model and loss: the central
 * difference {@code (f(h) - f(-h)) / 2h}, whose error is {@code O(h^2)}, compared with the analytic derivative by the
 * relative error {@code |a - n| / max(FLOOR, |a| + |n|)}.
 */
public final class GradientCheck {

    /**
     * The floor of the relative error's denominator: derivatives whose magnitudes sum to less than 0.01 are compared
     * absolutely, so that float32 round-off in a near-zero derivative does not read as a large relative error.
     */
    public static final double FLOOR = 1e-2;

    private GradientCheck() {
    }

    /** {@code |analytic - numeric| / max(FLOOR, |analytic| + |numeric|)}. */
    public static double relativeError(double analytic, double numeric) {
        return Math.abs(analytic - numeric) / Math.max(FLOOR, Math.abs(analytic) + Math.abs(numeric));
    }

    /**
     * The directional derivative of {@code f} along {@code direction} in the float parameters {@code theta}: {@code f}
     * is evaluated with {@code theta +- h direction} (in place), and {@code theta} is restored afterwards.
     */
    public static double alongDirection(float[] theta, float[] direction, double h, DoubleSupplier f) {
        float[] saved = theta.clone();
        for (int i = 0; i < theta.length; i++) {
            theta[i] = saved[i] + (float) (h * direction[i]);
        }
        double plus = f.getAsDouble();
        for (int i = 0; i < theta.length; i++) {
            theta[i] = saved[i] - (float) (h * direction[i]);
        }
        double minus = f.getAsDouble();
        System.arraycopy(saved, 0, theta, 0, theta.length);
        return (plus - minus) / (2 * h);
    }

    /**
     * The partial derivative of {@code f} in the float parameter {@code theta[p]}, divided by the step the float
     * parameter actually took ({@code float(x + h) - float(x - h)}, not {@code 2h}); {@code theta[p]} is restored.
     */
    public static double alongParameter(float[] theta, int p, double h, DoubleSupplier f) {
        float saved = theta[p];
        theta[p] = (float) (saved + h);
        double plus = f.getAsDouble();
        theta[p] = (float) (saved - h);
        double minus = f.getAsDouble();
        theta[p] = saved;
        return (plus - minus) / ((double) (float) (saved + h) - (double) (float) (saved - h));
    }

    /** The central difference {@code (f(h) - f(-h)) / 2h} of {@code f} along its argument at 0. */
    public static double centralDifference(DoubleUnaryOperator f, double h) {
        return (f.applyAsDouble(h) - f.applyAsDouble(-h)) / (2 * h);
    }
}
