package org.noiselab.app.service;

/**
 * Where a score-error grid is evaluated.
 */
public sealed interface GridSpec permits GridSpec.Line, GridSpec.Plane {

    /**
     * A 1D model over x and all diffusion steps (the CDL paper's figure 1): {@code nx} points in {@code [xMin, xMax]}
     * at steps {@code stride, 2 stride, ..., T}.
     */
    record Line(double xMin, double xMax, int nx, int stride) implements GridSpec {
    }

    /** A 2D model over a plane at one diffusion step {@code t}: {@code nx x ny} points in the bounds. */
    record Plane(double xMin, double xMax, double yMin, double yMax, int nx, int ny, int t) implements GridSpec {
    }
}
