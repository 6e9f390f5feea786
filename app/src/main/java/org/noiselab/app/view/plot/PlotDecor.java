package org.noiselab.app.view.plot;

import java.util.Locale;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;
import org.jspecify.annotations.Nullable;

/** Draws what surrounds the data of a {@link PlotCanvas}: grid, frame, ticks, labels, colour bar and title. */
final class PlotDecor {

    private static final double TICK = 5;
    private static final double BAR_GAP = 8;
    private static final double BAR_WIDTH = 12;
    private static final int BAR_TICKS = 5;

    private final PlotCanvas plot;
    private final Font tickFont = Font.font(11);
    private final Font labelFont = Font.font(12);
    private final Font barFont = Font.font(10);
    private final Font titleFont = Font.font(null, FontWeight.BOLD, 11);
    private final Text measure = new Text();
    private @Nullable WritableImage barImage;
    private @Nullable ColorMap barMap;

    PlotDecor(PlotCanvas plot) {
        this.plot = plot;
    }

    /** Light lines at the x and y ticks, inside the plot area. */
    void drawGrid(GraphicsContext gc) {
        gc.setStroke(plot.theme().grid());
        gc.setLineWidth(1);
        double x0 = plot.plotLeft();
        double y0 = plot.plotTop();
        double x1 = x0 + plot.plotWidth();
        double y1 = plot.plotBottom();
        double xs = Ticks.step(plot.xMax() - plot.xMin(), plot.plotWidth() / 90);
        double xf = Ticks.first(plot.xMin(), xs);
        for (int i = 0, n = Ticks.count(xf, plot.xMax(), xs); i < n; i++) {
            double v = xf + i * xs;
            double px = crisp(plot.toPixelX(v));
            gc.strokeLine(px, y0, px, y1);
        }
        double ys = Ticks.step(plot.yMax() - plot.yMin(), plot.plotHeight() / 45);
        double yf = Ticks.first(plot.yMin(), ys);
        for (int i = 0, n = Ticks.count(yf, plot.yMax(), ys); i < n; i++) {
            double v = yf + i * ys;
            double py = crisp(plot.toPixelY(v));
            gc.strokeLine(x0, py, x1, py);
        }
    }

    /** The frame, tick marks, tick labels and axis titles. */
    void drawAxes(GraphicsContext gc, String xLabel, String yLabel) {
        PlotTheme t = plot.theme();
        double x0 = plot.plotLeft();
        double y0 = plot.plotTop();
        double pw = plot.plotWidth();
        double y1 = plot.plotBottom();
        gc.setStroke(t.axis());
        gc.setLineWidth(1);
        gc.strokeRect(crisp(x0), crisp(y0), Math.round(pw), Math.round(y1 - y0));
        gc.setFill(t.text());
        gc.setFont(tickFont);

        gc.setTextAlign(TextAlignment.CENTER);
        gc.setTextBaseline(VPos.TOP);
        double xs = Ticks.step(plot.xMax() - plot.xMin(), pw / 90);
        double xf = Ticks.first(plot.xMin(), xs);
        for (int i = 0, n = Ticks.count(xf, plot.xMax(), xs); i < n; i++) {
            double v = xf + i * xs;
            double px = crisp(plot.toPixelX(v));
            gc.strokeLine(px, y1, px, y1 + TICK);
            gc.fillText(Ticks.label(v, xs), px, y1 + TICK + 2);
        }
        gc.setTextAlign(TextAlignment.RIGHT);
        gc.setTextBaseline(VPos.CENTER);
        double ys = Ticks.step(plot.yMax() - plot.yMin(), plot.plotHeight() / 45);
        double yf = Ticks.first(plot.yMin(), ys);
        for (int i = 0, n = Ticks.count(yf, plot.yMax(), ys); i < n; i++) {
            double v = yf + i * ys;
            double py = crisp(plot.toPixelY(v));
            gc.strokeLine(x0 - TICK, py, x0, py);
            gc.fillText(Ticks.label(v, ys), x0 - TICK - 3, py);
        }

        gc.setFont(labelFont);
        gc.setTextAlign(TextAlignment.CENTER);
        gc.setTextBaseline(VPos.BOTTOM);
        gc.fillText(xLabel, x0 + pw / 2, plot.getHeight() - 4);
        gc.save();
        gc.translate(12, (y0 + y1) / 2);
        gc.rotate(-90);
        gc.setTextBaseline(VPos.CENTER);
        gc.fillText(yLabel, 0, 0);
        gc.restore();
    }

    /** A vertical bar of the heatmap's colour range right of the plot, with five value labels and a title. */
    void drawColorBar(GraphicsContext gc, Heatmap hm, String label) {
        PlotTheme t = plot.theme();
        double bx = plot.plotLeft() + plot.plotWidth() + BAR_GAP;
        double by = plot.plotTop();
        double bh = plot.plotHeight();
        gc.setImageSmoothing(false);
        gc.drawImage(barImage(hm.map()), 0, 0, 1, ColorMap.SIZE, bx, by, BAR_WIDTH, bh);
        gc.setImageSmoothing(true);
        gc.setStroke(t.axis());
        gc.setLineWidth(1);
        gc.strokeRect(crisp(bx), crisp(by), BAR_WIDTH, Math.round(bh));
        gc.setFill(t.text());
        gc.setFont(barFont);
        gc.setTextAlign(TextAlignment.LEFT);
        gc.setTextBaseline(VPos.CENTER);
        double tx = bx + BAR_WIDTH;
        for (int i = 0; i < BAR_TICKS; i++) {
            double u = i / (double) (BAR_TICKS - 1);
            double py = crisp(by + bh * (1 - u));
            double v = hm.logScale()
                    ? Math.pow(10, Math.log10(hm.lo()) + u * (Math.log10(hm.hi()) - Math.log10(hm.lo())))
                    : hm.lo() + u * (hm.hi() - hm.lo());
            gc.strokeLine(tx, py, tx + 3, py);
            gc.fillText(Ticks.compact(v), tx + 5, py);
        }
        if (!label.isEmpty()) {
            gc.save();
            gc.translate(plot.getWidth() - 9, by + bh / 2);
            gc.rotate(-90);
            gc.setTextAlign(TextAlignment.CENTER);
            gc.fillText(label, 0, 0);
            gc.restore();
        }
    }

    /** The title in the top left corner of the plot area, on a translucent box so it stays legible. */
    void drawTitle(GraphicsContext gc, String title) {
        if (title.isEmpty()) {
            return;
        }
        measure.setFont(titleFont);
        measure.setText(title);
        double w = Math.min(measure.getLayoutBounds().getWidth(), plot.plotWidth() - 10);
        double h = measure.getLayoutBounds().getHeight();
        double x = plot.plotLeft() + 5;
        double y = plot.plotTop() + 4;
        Color bg = plot.theme().plotBackground();
        gc.setFill(bg.deriveColor(0, 1, 1, 0.75));
        gc.fillRect(x - 3, y - 1, w + 6, h + 2);
        gc.setFill(plot.theme().text());
        gc.setFont(titleFont);
        gc.setTextAlign(TextAlignment.LEFT);
        gc.setTextBaseline(VPos.TOP);
        gc.fillText(title, x, y, w);
    }

    private WritableImage barImage(ColorMap map) {
        WritableImage img = barImage;
        if (img == null || barMap != map) {
            img = new WritableImage(1, ColorMap.SIZE);
            int[] column = new int[ColorMap.SIZE];
            for (int k = 0; k < ColorMap.SIZE; k++) {
                column[k] = map.argb(1 - k / (double) (ColorMap.SIZE - 1));
            }
            img.getPixelWriter().setPixels(0, 0, 1, ColorMap.SIZE, PixelFormat.getIntArgbInstance(), column, 0, 1);
            barImage = img;
            barMap = map;
        }
        return img;
    }

    /** The centre of the pixel at {@code p}, so 1px lines are sharp. */
    private static double crisp(double p) {
        return Math.floor(p) + 0.5;
    }

    /** Tick positions at 1, 2, 5 x 10^k steps and their labels. */
    static final class Ticks {

        private Ticks() {
        }

        /** The 1, 2 or 5 x 10^k step nearest to giving {@code target} ticks over {@code span}. */
        static double step(double span, double target) {
            double raw = span / Math.max(1.5, target);
            double mag = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / mag;
            double nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
            return nice * mag;
        }

        /** The first multiple of {@code step} at or above {@code min}. */
        static double first(double min, double step) {
            return Math.ceil(min / step - 1e-9) * step;
        }

        /** How many ticks {@code first + i*step} lie at or below {@code max} (at most 100). */
        static int count(double first, double max, double step) {
            double n = Math.floor((max - first) / step + 1e-9) + 1;
            return Double.isFinite(n) && n > 0 ? (int) Math.min(n, 100) : 0;
        }

        /** {@code v} with as many decimals as the step needs. */
        static String label(double v, double step) {
            if (Math.abs(v) < step * 1e-6) {
                return "0";
            }
            int decimals = (int) Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
            if (decimals > 4 || step >= 1e6) {
                return compact(v);
            }
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }

        /** Three significant digits, no trailing zeros, exponent without sign padding: 0.25, 1.5e-5, 1.23e4. */
        static String compact(double v) {
            if (v == 0 || !Double.isFinite(v)) {
                return v == 0 ? "0" : Double.toString(v);
            }
            String s = String.format(Locale.ROOT, "%.3g", v);
            int e = s.indexOf('e');
            String mantissa = e < 0 ? s : s.substring(0, e);
            if (mantissa.indexOf('.') >= 0) {
                int end = mantissa.length();
                while (mantissa.charAt(end - 1) == '0') {
                    end--;
                }
                if (mantissa.charAt(end - 1) == '.') {
                    end--;
                }
                mantissa = mantissa.substring(0, end);
            }
            return e < 0 ? mantissa : mantissa + "e" + Integer.parseInt(s.substring(e + 1));
        }
    }
}
