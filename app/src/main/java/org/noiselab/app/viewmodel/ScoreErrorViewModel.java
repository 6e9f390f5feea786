package org.noiselab.app.viewmodel;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.jspecify.annotations.Nullable;
import org.noiselab.app.service.AnalysisService;
import org.noiselab.app.service.DialogService;
import org.noiselab.app.service.GridSpec;
import org.noiselab.app.service.ModelSnapshot;
import org.noiselab.app.service.ScoreGridResult;
import org.noiselab.engine.metric.ScoreErrorGrid;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;

/**
 * The score-error heatmap: the model's error against the exact denoiser, refreshed live while training. 1D models
 * are shown over (t, x) with t in 0..T and x in [-30, 30] (the CDL paper's figure 1); 2D models over the plane at the
 * noise step chosen with {@link #stepProperty()}.
 */
@Singleton
public final class ScoreErrorViewModel {

    /** Grid resolution of the 1D view: 241 values of x (121 while training, see {@link #request()}), every 10th step. */
    public static final int LINE_POINTS = 241;
    public static final int LINE_POINTS_LIVE = 121;
    public static final int LINE_STRIDE = 10;
    public static final double LINE_EXTENT = 30;
    /** Grid resolution of the 2D view. */
    public static final int PLANE_POINTS = 100;

    // ---- Properties
    private final ObjectProperty<ErrorMeasure> measure = new SimpleObjectProperty<>(this, "measure",
            ErrorMeasure.EPS_SQUARED);
    private final BooleanProperty logScale = new SimpleBooleanProperty(this, "logScale", true);
    private final IntegerProperty step = new SimpleIntegerProperty(this, "step", 50);
    private final ReadOnlyIntegerWrapper maxStep = new ReadOnlyIntegerWrapper(this, "maxStep", 1000);
    private final ReadOnlyObjectWrapper<ScoreGridResult> result = new ReadOnlyObjectWrapper<>(this, "result");
    private final ReadOnlyObjectWrapper<GridImage> image = new ReadOnlyObjectWrapper<>(this, "image");
    private final ReadOnlyDoubleWrapper refreshRate = new ReadOnlyDoubleWrapper(this, "refreshRate");

    private final LabViewModel lab;
    private final AnalysisService analysis;
    private final DialogService dialogs;
    private final ArrayDeque<Long> arrivals = new ArrayDeque<>();
    private long refreshes;

    @Inject
    public ScoreErrorViewModel(LabViewModel lab, AnalysisService analysis, DialogService dialogs) {
        this.lab = lab;
        this.analysis = analysis;
        this.dialogs = dialogs;
        lab.modelProperty().addListener((o, a, b) -> request());
        lab.modelChoiceProperty().addListener((o, a, b) -> request());
        lab.runningProperty().addListener((o, a, b) -> request());
        step.addListener((o, a, b) -> request());
        measure.addListener((o, a, b) -> rebuildImage());
    }

    public ObjectProperty<ErrorMeasure> measureProperty() {
        return measure;
    }

    /** Whether the colour scale is logarithmic. */
    public BooleanProperty logScaleProperty() {
        return logScale;
    }

    /** The diffusion step of the 2D plane. */
    public IntegerProperty stepProperty() {
        return step;
    }

    public ReadOnlyIntegerProperty maxStepProperty() {
        return maxStep.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ScoreGridResult> resultProperty() {
        return result.getReadOnlyProperty();
    }

    /** The heatmap values for the current measure. */
    public ReadOnlyObjectProperty<GridImage> imageProperty() {
        return image.getReadOnlyProperty();
    }

    /** Heatmap updates per second over the last second. */
    public ReadOnlyDoubleProperty refreshRateProperty() {
        return refreshRate.getReadOnlyProperty();
    }

    /** Heatmaps delivered so far. */
    public long refreshes() {
        return refreshes;
    }

    /** Whether the current model is one-dimensional (x-t view) rather than 2D (plane view). */
    public boolean isLine() {
        ModelSnapshot m = lab.modelProperty().get();
        return m == null || m.spec().dim() == 1;
    }

    // ---- Commands

    /**
     * Asks the analysis thread for a grid of the current model (the newest request wins). While training, the 1D
     * grid uses half the x resolution, so two cores keep it above ten refreshes a second; the full grid follows as
     * soon as training pauses.
     */
    public void request() {
        ModelSnapshot m = lab.modelProperty().get();
        if (m == null) {
            return;
        }
        int total = m.schedule().steps();
        maxStep.set(total);
        GridSpec spec;
        if (m.spec().dim() == 1) {
            int points = lab.runningProperty().get() ? LINE_POINTS_LIVE : LINE_POINTS;
            spec = new GridSpec.Line(-LINE_EXTENT, LINE_EXTENT, points, Math.max(1, total / 100));
        } else {
            double[] v = ToyDatasets.byName(m.dataset()).viewBounds();
            int t = Math.max(1, Math.min(total, step.get()));
            spec = new GridSpec.Plane(v[0], v[1], v[2], v[3], PLANE_POINTS, PLANE_POINTS, t);
        }
        analysis.requestScoreGrid(m, lab.modelChoiceProperty().get(), spec, this::accept,
                e -> dialogs.notify("score grid failed: " + e.getMessage()));
    }

    private void accept(ScoreGridResult r) {
        result.set(r);
        refreshes++;
        long now = System.nanoTime();
        arrivals.addLast(now);
        while (!arrivals.isEmpty() && now - arrivals.peekFirst() > 1_000_000_000L) {
            arrivals.removeFirst();
        }
        refreshRate.set(arrivals.size());
        rebuildImage();
    }

    private void rebuildImage() {
        ScoreGridResult r = result.get();
        if (r == null) {
            return;
        }
        ScoreErrorGrid g = r.grid();
        ErrorMeasure m = measure.get();
        if (r.spec() instanceof GridSpec.Line line) {
            int cols = g.steps().length;
            int rows = g.n();
            double[] values = new double[cols * rows];
            for (int c = 0; c < cols; c++) {
                for (int row = 0; row < rows; row++) {
                    values[row * cols + c] = m.of(g, c, row);
                }
            }
            image.set(new GridImage(values, cols, rows, 0, (double) cols * line.stride(), line.xMin(), line.xMax()));
        } else {
            GridSpec.Plane p = (GridSpec.Plane) r.spec();
            double[] values = new double[g.n()];
            for (int i = 0; i < g.n(); i++) {
                values[i] = m.of(g, 0, i);
            }
            image.set(new GridImage(values, p.nx(), p.ny(), p.xMin(), p.xMax(), p.yMin(), p.yMax()));
        }
    }

    /** A description of the cell under the pointer, or an empty string. */
    public String describe(double px, double py) {
        ScoreGridResult r = result.get();
        GridImage img = image.get();
        if (r == null || img == null) {
            return "";
        }
        int c = img.column(px);
        int row = img.row(py);
        if (c < 0 || row < 0) {
            return "";
        }
        ScoreErrorGrid g = r.grid();
        if (r.spec() instanceof GridSpec.Line) {
            return String.format("t = %d   x = %.2f   score: model %.4g, exact %.4g   eps: model %.4g, exact %.4g"
                    + "   %s = %.4g", g.steps()[c], g.points()[row], g.scoreModel(c, row, 0), g.scoreOracle(c, row, 0),
                    g.epsModel()[g.index(c, row, 0)], g.epsOracle()[g.index(c, row, 0)], measure.get().label(),
                    img.values()[row * img.nx() + c]);
        }
        int i = row * img.nx() + c;
        return String.format("t = %d   (x, y) = (%.2f, %.2f)   score: model (%.3g, %.3g), exact (%.3g, %.3g)   %s = %.4g",
                g.steps()[0], g.points()[2 * i], g.points()[2 * i + 1], g.scoreModel(0, i, 0), g.scoreModel(0, i, 1),
                g.scoreOracle(0, i, 0), g.scoreOracle(0, i, 1), measure.get().label(), img.values()[i]);
    }

    /** The dataset of the current model. */
    public @Nullable ToyDataset dataset() {
        ModelSnapshot m = lab.modelProperty().get();
        return m == null ? null : ToyDatasets.byName(m.dataset());
    }

    /** {@code abar} of the 2D plane's step. */
    public double planeAlphaBar() {
        ModelSnapshot m = lab.modelProperty().get();
        return m == null ? 1 : NoiseSchedule.create(m.schedule()).alphaBar(Math.max(1, step.get()));
    }
}
