package org.noiselab.app.view.plot;

import java.util.List;
import java.util.Objects;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Point2D;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.Region;
import org.jspecify.annotations.Nullable;

/**
 * The plot widget of every view: a resizable canvas showing a data rectangle with axes, an optional heatmap and
 * colour bar, and {@link PlotLayer}s drawn over it. Setters only record state and schedule one redraw for the next
 * pulse, so a batch of changes costs one redraw. Use it on the JavaFX application thread only.
 */
public class PlotCanvas extends Region {

    static final double LEFT = 60;
    static final double BOTTOM = 40;
    static final double TOP = 12;
    static final double RIGHT = 12;
    /** Extra right margin while the colour bar is on. */
    static final double BAR_SPACE = 70;

    private final Canvas canvas = new Canvas();
    private final ReadOnlyObjectWrapper<@Nullable Point2D> hover = new ReadOnlyObjectWrapper<>(this, "hoverPoint");
    private final PlotDecor decor = new PlotDecor(this);

    private double xMin = 0;
    private double xMax = 1;
    private double yMin = 0;
    private double yMax = 1;
    private String xLabel = "";
    private String yLabel = "";
    private String title = "";
    private String barLabel = "";
    private boolean colorBar;
    private PlotTheme theme = PlotTheme.LIGHT;
    private @Nullable Heatmap heatmap;
    private List<PlotLayer> layers = List.of();

    private @Nullable WritableImage image;
    private int[] pixels = new int[0];
    private boolean imageStale;
    private boolean dirty = true;
    private boolean scheduled;

    /** An empty plot of the unit square. */
    public PlotCanvas() {
        getStyleClass().add("plot-canvas");
        getChildren().add(canvas);
        setPrefSize(400, 300);
        setMinSize(120, 90);
        addEventHandler(MouseEvent.MOUSE_MOVED, e -> updateHover(e.getX(), e.getY()));
        addEventHandler(MouseEvent.MOUSE_DRAGGED, e -> updateHover(e.getX(), e.getY()));
        addEventHandler(MouseEvent.MOUSE_EXITED, e -> hover.set(null));
    }

    /** The data rectangle shown; an empty or invalid range is widened. */
    public void setView(double xMin, double xMax, double yMin, double yMax) {
        this.xMin = xMin;
        this.xMax = xMax > xMin ? xMax : xMin + 1;
        this.yMin = yMin;
        this.yMax = yMax > yMin ? yMax : yMin + 1;
        requestRedraw();
    }

    /** The axis titles, centred under the x axis and left of the y axis. */
    public void setAxisLabels(String x, String y) {
        xLabel = Objects.requireNonNullElse(x, "");
        yLabel = Objects.requireNonNullElse(y, "");
        requestRedraw();
    }

    /** A small title at the top left inside the plot frame; empty for none. */
    public void setTitle(String title) {
        this.title = Objects.requireNonNullElse(title, "");
        requestRedraw();
    }

    /** The title shown (what a person reads first). */
    public String title() {
        return title;
    }

    /** The colours. */
    public void setTheme(PlotTheme theme) {
        this.theme = Objects.requireNonNull(theme);
        requestRedraw();
    }

    /** The heatmap drawn under the layers, filling its data rectangle; null for none. */
    public void setHeatmap(@Nullable Heatmap heatmap) {
        this.heatmap = heatmap;
        imageStale = true;
        requestRedraw();
    }

    /** Shows or hides the colour bar of the current heatmap; space is reserved for it while visible. */
    public void setColorBar(boolean visible, String label) {
        colorBar = visible;
        barLabel = Objects.requireNonNullElse(label, "");
        requestRedraw();
    }

    /** The layers drawn in order over the heatmap. */
    public void setLayers(List<PlotLayer> layers) {
        this.layers = List.copyOf(layers);
        requestRedraw();
    }

    /**
     * The data coordinates under the mouse while it is over the plot area, else null. (Named so because
     * {@link javafx.scene.Node#hoverProperty()} is final.)
     */
    public ReadOnlyObjectProperty<@Nullable Point2D> hoverPointProperty() {
        return hover.getReadOnlyProperty();
    }

    /** The data x at pixel column {@code px} (region coordinates). */
    public double toDataX(double px) {
        return xMin + (px - plotLeft()) / plotWidth() * (xMax - xMin);
    }

    /** The data y at pixel row {@code py} (region coordinates). */
    public double toDataY(double py) {
        return yMin + (plotBottom() - py) / plotHeight() * (yMax - yMin);
    }

    /** The pixel column of data x (region coordinates). */
    public double toPixelX(double x) {
        return plotLeft() + (x - xMin) / (xMax - xMin) * plotWidth();
    }

    /** The pixel row of data y (region coordinates). */
    public double toPixelY(double y) {
        return plotBottom() - (y - yMin) / (yMax - yMin) * plotHeight();
    }

    double plotLeft() {
        return LEFT;
    }

    double plotTop() {
        return TOP;
    }

    double plotWidth() {
        return Math.max(1, getWidth() - LEFT - RIGHT - (colorBar ? BAR_SPACE : 0));
    }

    double plotHeight() {
        return Math.max(1, getHeight() - TOP - BOTTOM);
    }

    double plotBottom() {
        return TOP + plotHeight();
    }

    double xMin() {
        return xMin;
    }

    double xMax() {
        return xMax;
    }

    double yMin() {
        return yMin;
    }

    double yMax() {
        return yMax;
    }

    PlotTheme theme() {
        return theme;
    }

    @Override
    protected void layoutChildren() {
        double w = snapSizeX(getWidth());
        double h = snapSizeY(getHeight());
        canvas.relocate(0, 0);
        if (w != canvas.getWidth() || h != canvas.getHeight()) {
            canvas.setWidth(w);
            canvas.setHeight(h);
            dirty = true;
        }
        if (dirty) {
            redrawNow();
        }
    }

    private void requestRedraw() {
        dirty = true;
        if (!scheduled) {
            scheduled = true;
            Platform.runLater(() -> {
                scheduled = false;
                if (dirty) {
                    redrawNow();
                }
            });
        }
    }

    /** Redraws at once if anything changed since the last redraw. */
    void redrawNow() {
        dirty = false;
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        GraphicsContext gc = canvas.getGraphicsContext2D();
        gc.clearRect(0, 0, w, h);
        gc.setFill(theme.background());
        gc.fillRect(0, 0, w, h);
        if (w < 1 || h < 1) {
            return;
        }
        double x0 = plotLeft();
        double y0 = plotTop();
        double pw = plotWidth();
        double ph = plotHeight();
        gc.setFill(theme.plotBackground());
        gc.fillRect(x0, y0, pw, ph);
        decor.drawGrid(gc);
        gc.save();
        gc.beginPath();
        gc.rect(x0, y0, pw, ph);
        gc.clip();
        drawHeatmap(gc);
        LayerPainter.paint(gc, this, layers);
        gc.restore();
        decor.drawAxes(gc, xLabel, yLabel);
        Heatmap hm = heatmap;
        if (colorBar && hm != null) {
            decor.drawColorBar(gc, hm, barLabel);
        }
        decor.drawTitle(gc, title);
    }

    private void drawHeatmap(GraphicsContext gc) {
        Heatmap hm = heatmap;
        if (hm == null) {
            return;
        }
        WritableImage img = imageOf(hm);
        double left = toPixelX(hm.xMin());
        double right = toPixelX(hm.xMax());
        double top = toPixelY(hm.yMax());
        double bottom = toPixelY(hm.yMin());
        gc.setImageSmoothing(false);
        gc.drawImage(img, 0, 0, hm.nx(), hm.ny(), left, top, right - left, bottom - top);
        gc.setImageSmoothing(true);
    }

    /** The heatmap's pixels, one per cell, top image row = top data row; recomputed only when the heatmap changed. */
    private WritableImage imageOf(Heatmap hm) {
        int nx = hm.nx();
        int ny = hm.ny();
        WritableImage img = image;
        if (img == null || (int) img.getWidth() != nx || (int) img.getHeight() != ny) {
            img = new WritableImage(nx, ny);
            image = img;
            pixels = new int[nx * ny];
            imageStale = true;
        }
        if (imageStale) {
            double[] v = hm.values();
            for (int r = 0; r < ny; r++) {
                int src = r * nx;
                int dst = (ny - 1 - r) * nx;
                for (int c = 0; c < nx; c++) {
                    pixels[dst + c] = hm.argb(v[src + c]);
                }
            }
            img.getPixelWriter().setPixels(0, 0, nx, ny, PixelFormat.getIntArgbInstance(), pixels, 0, nx);
            imageStale = false;
        }
        return img;
    }

    private void updateHover(double x, double y) {
        double x0 = plotLeft();
        double y0 = plotTop();
        if (x >= x0 && x <= x0 + plotWidth() && y >= y0 && y <= y0 + plotHeight()) {
            hover.set(new Point2D(toDataX(x), toDataY(y)));
        } else {
            hover.set(null);
        }
    }
}
