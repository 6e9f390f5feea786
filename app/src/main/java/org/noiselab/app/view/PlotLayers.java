package org.noiselab.app.view;

import javafx.scene.paint.Color;
import org.noiselab.app.view.plot.PlotLayer;

/** Small helpers that turn data into plot layers. */
final class PlotLayers {

    private PlotLayers() {
    }

    /** A normalised histogram of 1D points over {@code [lo, hi]} as a step curve (a density, comparable to q_t). */
    static PlotLayer.Curve histogram(float[] xs, int n, double lo, double hi, int bins, Color color) {
        double[] counts = new double[bins];
        double width = (hi - lo) / bins;
        for (int i = 0; i < n; i++) {
            int b = (int) Math.floor((xs[i] - lo) / width);
            if (b >= 0 && b < bins) {
                counts[b]++;
            }
        }
        double[] cx = new double[2 * bins];
        double[] cy = new double[2 * bins];
        for (int b = 0; b < bins; b++) {
            double density = counts[b] / (n * width);
            cx[2 * b] = lo + b * width;
            cx[2 * b + 1] = lo + (b + 1) * width;
            cy[2 * b] = density;
            cy[2 * b + 1] = density;
        }
        return new PlotLayer.Curve(cx, cy, color, 1.5);
    }

    /** The largest y of some curves. */
    static double maxY(double[]... ys) {
        double m = 0;
        for (double[] y : ys) {
            for (double v : y) {
                if (Double.isFinite(v)) {
                    m = Math.max(m, v);
                }
            }
        }
        return m;
    }
}
