package org.noiselab.app.view.plot;

import java.util.List;
import javafx.scene.paint.Color;

/** Something a {@link PlotCanvas} draws over its heatmap, in data coordinates, clipped to the plot area. */
public sealed interface PlotLayer permits PlotLayer.Scatter, PlotLayer.Curve, PlotLayer.Paths {

    /**
     * The first {@code n} points of {@code xy} as dots of {@code radius} pixels. With {@code dim == 2} the array
     * holds (x, y) pairs; with {@code dim == 1} it holds x values of points on y = 0, drawn as a rug of short ticks
     * along the bottom of the plot. Points beyond the array's end are ignored.
     */
    record Scatter(float[] xy, int n, int dim, Color color, double radius) implements PlotLayer {

        /** Checks {@code dim} and {@code n}. */
        public Scatter {
            if (dim != 1 && dim != 2) {
                throw new IllegalArgumentException("dim must be 1 or 2, got " + dim);
            }
            if (n < 0) {
                throw new IllegalArgumentException("negative point count " + n);
            }
        }

        /** The number of points actually drawn. */
        public int count() {
            return Math.min(n, xy.length / dim);
        }
    }

    /** A polyline through (xs[i], ys[i]) of {@code width} pixels; NaN points break the line. */
    record Curve(double[] xs, double[] ys, Color color, double width) implements PlotLayer {

        /** Checks that the coordinate arrays match. */
        public Curve {
            if (xs.length != ys.length) {
                throw new IllegalArgumentException("xs and ys differ in length");
            }
        }
    }

    /** Several polylines, each an array {@code x0, y0, x1, y1, ...}, e.g. sampler trajectories. */
    record Paths(List<double[]> polylines, Color color, double width) implements PlotLayer {

        /** Copies the list (not the arrays). */
        public Paths {
            polylines = List.copyOf(polylines);
        }
    }
}
