package org.noiselab.app.view.plot;

import java.util.List;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.shape.StrokeLineCap;
import javafx.scene.shape.StrokeLineJoin;

/** Draws {@link PlotLayer}s onto a {@link PlotCanvas}'s graphics context, allocating nothing per point. */
final class LayerPainter {

    /** Length in pixels of a rug tick. */
    private static final double RUG = 10;
    /** Opacity of rug ticks, so dense regions read darker. */
    private static final double RUG_ALPHA = 0.5;

    private LayerPainter() {
    }

    static void paint(GraphicsContext gc, PlotCanvas plot, List<PlotLayer> layers) {
        for (PlotLayer layer : layers) {
            if (layer instanceof PlotLayer.Scatter s) {
                if (s.dim() == 1) {
                    rug(gc, plot, s);
                } else {
                    scatter(gc, plot, s);
                }
            } else if (layer instanceof PlotLayer.Curve c) {
                curve(gc, plot, c);
            } else if (layer instanceof PlotLayer.Paths p) {
                paths(gc, plot, p);
            }
        }
    }

    private static void scatter(GraphicsContext gc, PlotCanvas plot, PlotLayer.Scatter s) {
        float[] xy = s.xy();
        int n = s.count();
        double r = s.radius();
        double d = 2 * r;
        double left = plot.plotLeft() - r;
        double right = plot.plotLeft() + plot.plotWidth() + r;
        double top = plot.plotTop() - r;
        double bottom = plot.plotBottom() + r;
        gc.setFill(s.color());
        boolean dots = d < 2.5;
        for (int i = 0; i < n; i++) {
            double x = plot.toPixelX(xy[2 * i]);
            double y = plot.toPixelY(xy[2 * i + 1]);
            if (!(x >= left && x <= right && y >= top && y <= bottom)) {
                continue;
            }
            if (dots) {
                gc.fillRect(x - r, y - r, d, d);
            } else {
                gc.fillOval(x - r, y - r, d, d);
            }
        }
    }

    private static void rug(GraphicsContext gc, PlotCanvas plot, PlotLayer.Scatter s) {
        float[] xs = s.xy();
        int n = s.count();
        double w = Math.max(1, s.radius());
        double left = plot.plotLeft();
        double right = left + plot.plotWidth();
        double bottom = plot.plotBottom();
        gc.setFill(s.color());
        gc.setGlobalAlpha(RUG_ALPHA);
        for (int i = 0; i < n; i++) {
            double x = plot.toPixelX(xs[i]);
            if (x >= left && x <= right) {
                gc.fillRect(x - w / 2, bottom - RUG, w, RUG);
            }
        }
        gc.setGlobalAlpha(1);
    }

    private static void curve(GraphicsContext gc, PlotCanvas plot, PlotLayer.Curve c) {
        double[] xs = c.xs();
        double[] ys = c.ys();
        stroke(gc, c.color(), c.width());
        gc.beginPath();
        boolean down = false;
        for (int i = 0; i < xs.length; i++) {
            down = extend(gc, plot, xs[i], ys[i], down);
        }
        gc.stroke();
    }

    private static void paths(GraphicsContext gc, PlotCanvas plot, PlotLayer.Paths p) {
        stroke(gc, p.color(), p.width());
        gc.beginPath();
        for (double[] line : p.polylines()) {
            boolean down = false;
            for (int i = 0; i + 1 < line.length; i += 2) {
                down = extend(gc, plot, line[i], line[i + 1], down);
            }
        }
        gc.stroke();
    }

    private static void stroke(GraphicsContext gc, Color color, double width) {
        gc.setStroke(color);
        gc.setLineWidth(width);
        gc.setLineJoin(StrokeLineJoin.ROUND);
        gc.setLineCap(StrokeLineCap.ROUND);
    }

    /** Continues the path to data point (x, y), or lifts the pen at a non-finite point; returns the pen state. */
    private static boolean extend(GraphicsContext gc, PlotCanvas plot, double x, double y, boolean down) {
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            return false;
        }
        double px = plot.toPixelX(x);
        double py = plot.toPixelY(y);
        if (down) {
            gc.lineTo(px, py);
        } else {
            gc.moveTo(px, py);
        }
        return true;
    }
}
