package org.noiselab.toys;

/**
 * Points drawn from a toy distribution with their class labels.
 *
 * @param points row-major, {@code n * dim} values
 * @param labels class of each point
 * @param n      number of points
 * @param dim    dimension of each point
 */
public record LabelledPoints(double[] points, int[] labels, int n, int dim) {

    public LabelledPoints {
        if (points.length != n * dim || labels.length != n) {
            throw new IllegalArgumentException("points and labels do not match n=" + n + ", dim=" + dim);
        }
    }

    /** The points as single-precision values. */
    public float[] pointsAsFloats() {
        float[] out = new float[points.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) points[i];
        }
        return out;
    }
}
