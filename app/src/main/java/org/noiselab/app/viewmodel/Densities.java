package org.noiselab.app.viewmodel;

import org.noiselab.toys.GaussianMixture;

/** Exact densities of a toy mixture, noised to a level, on grids for drawing. */
public final class Densities {

    private Densities() {
    }

    /** {@code q_t(x)} at {@code n} evenly spaced points of {@code [lo, hi]} (end points included). */
    public static double[][] curve(GaussianMixture mixture, double alphaBar, double lo, double hi, int n) {
        GaussianMixture q = mixture.noised(alphaBar);
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = lo + (hi - lo) * i / (n - 1);
        }
        double[] log = q.logDensity(xs, n);
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            ys[i] = Math.exp(log[i]);
        }
        return new double[][] {xs, ys};
    }

    /**
     * {@code q_t(x, y)} on the cell centres of an {@code nx x ny} grid over the bounds {@code [x0, x1, y0, y1]}, seen
     * through a Gaussian blur of half a cell (so components narrower than a cell, like the dino's, show as smooth
     * strokes rather than aliased spikes).
     */
    public static GridImage plane(GaussianMixture mixture, double alphaBar, double[] bounds, int nx, int ny) {
        double cell = Math.max((bounds[1] - bounds[0]) / nx, (bounds[3] - bounds[2]) / ny);
        GaussianMixture q = mixture.noised(alphaBar).convolved(cell * cell / 4);
        double[] points = new double[2 * nx * ny];
        for (int r = 0; r < ny; r++) {
            for (int c = 0; c < nx; c++) {
                points[2 * (r * nx + c)] = bounds[0] + (bounds[1] - bounds[0]) * (c + 0.5) / nx;
                points[2 * (r * nx + c) + 1] = bounds[2] + (bounds[3] - bounds[2]) * (r + 0.5) / ny;
            }
        }
        double[] log = q.logDensity(points, nx * ny);
        double[] values = new double[nx * ny];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.exp(log[i]);
        }
        return new GridImage(values, nx, ny, bounds[0], bounds[1], bounds[2], bounds[3]);
    }
}
