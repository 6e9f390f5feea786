package org.noiselab.app.view;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;
import org.noiselab.app.service.ClassifierMaps;
import org.noiselab.app.service.LogitPicture;
import org.noiselab.app.view.plot.Heatmap;
import org.noiselab.app.view.plot.PlotCanvas;
import org.noiselab.app.view.plot.PlotLayer;
import org.noiselab.app.viewmodel.ClassifierViewModel;

/**
 * The classification diffusion model, seen as what it is, a classifier of noise levels: top, the probe (drag the clean
 * point {@code x_0}; the noised {@code x_t} is drawn beside it) and the logit curves {@code log p(t' | x_t)} of the
 * model and of the exact classifier (the CDM paper's figure 3); bottom, the single-pass likelihood map next to the
 * exact density, and the confusion matrix over noise levels.
 */
public final class ClassifierView implements ExportableView {

    /** The exact curves are drawn as a wide band under the model's thin line, so both show where they agree. */
    private static final double EXACT_WIDTH = 4.5;

    private final ClassifierViewModel vm;
    private final ViewSettings settings;
    private final BorderPane root = new BorderPane();
    private final PlotCanvas probePlot = new PlotCanvas();
    private final PlotCanvas curvePlot = new PlotCanvas();
    private final PlotCanvas modelMap = new PlotCanvas();
    private final PlotCanvas exactMap = new PlotCanvas();
    private final PlotCanvas confusionPlot = new PlotCanvas();
    private final Slider level = new Slider(0, 1001, 400);
    private final Label levelLabel = new Label();
    private final Label note = new Label();
    private final GridPane grid = new GridPane();

    @Inject
    public ClassifierView(ClassifierViewModel vm, ViewSettings settings) {
        this.vm = vm;
        this.settings = settings;
        level.setId("classifierLevel");
        level.setPrefWidth(260);
        level.setBlockIncrement(10);
        level.valueProperty().addListener((o, a, b) -> vm.levelProperty().set((int) Math.round(b.doubleValue())));
        vm.levelProperty().addListener((o, a, b) -> {
            level.setValue(b.intValue());
            levelLabel.setText("t = " + b.intValue());
        });
        vm.maxLevelProperty().addListener((o, a, b) -> level.setMax(b.intValue()));
        levelLabel.setText("t = " + vm.levelProperty().get());
        levelLabel.setMinWidth(70);
        Button noise = new Button("New noise");
        noise.setId("classifierNewNoise");
        noise.setOnAction(e -> vm.newNoise());
        Label title = new Label("Noise level of the probe");
        title.setMinWidth(Label.USE_PREF_SIZE);
        HBox bar = new HBox(title, level, levelLabel, noise);
        bar.getStyleClass().add("view-toolbar");
        note.setWrapText(true);
        note.setId("classifierNote");
        note.getStyleClass().add("hover-label");
        note.textProperty().bind(vm.noteProperty());
        note.visibleProperty().bind(vm.noteProperty().isNotEmpty());
        note.managedProperty().bind(note.visibleProperty());
        root.setTop(new VBox(bar, note));
        layout();
        root.setCenter(grid);
        probePlot.setId("probePlot");
        curvePlot.setId("logitPlot");
        modelMap.setId("likelihoodMap");
        confusionPlot.setId("confusionPlot");
        probePlot.addEventHandler(MouseEvent.MOUSE_PRESSED, this::drag);
        probePlot.addEventHandler(MouseEvent.MOUSE_DRAGGED, this::drag);
        vm.curvesProperty().addListener((o, a, b) -> redrawCurves());
        vm.mapsProperty().addListener((o, a, b) -> redrawMaps());
        settings.colorMapProperty().addListener((o, a, b) -> redrawMaps());
        settings.themeProperty().addListener((o, a, t) -> {
            for (PlotCanvas p : plots()) {
                p.setTheme(t.plot());
            }
            redrawCurves();
            redrawMaps();
        });
        for (PlotCanvas p : plots()) {
            p.setTheme(settings.themeProperty().get().plot());
        }
    }

    public Node root() {
        return root;
    }

    /** Computes only while the view is shown. */
    public void setShowing(boolean showing) {
        vm.activeProperty().set(showing);
    }

    private List<PlotCanvas> plots() {
        return List.of(probePlot, curvePlot, modelMap, exactMap, confusionPlot);
    }

    private void layout() {
        for (int c = 0; c < 3; c++) {
            ColumnConstraints cc = new ColumnConstraints();
            cc.setPercentWidth(100.0 / 3);
            cc.setHgrow(Priority.ALWAYS);
            grid.getColumnConstraints().add(cc);
        }
        for (int r = 0; r < 2; r++) {
            RowConstraints rc = new RowConstraints();
            rc.setPercentHeight(50);
            rc.setVgrow(Priority.ALWAYS);
            grid.getRowConstraints().add(rc);
        }
        grid.add(probePlot, 0, 0);
        grid.add(curvePlot, 1, 0, 2, 1);
        grid.add(modelMap, 0, 1);
        grid.add(exactMap, 1, 1);
        grid.add(confusionPlot, 2, 1);
        for (PlotCanvas p : plots()) {
            p.setMinSize(120, 120);
            p.setPrefSize(200, 200);
        }
    }

    private void drag(MouseEvent e) {
        vm.moveProbe(probePlot.toDataX(e.getX()), probePlot.toDataY(e.getY()));
    }

    private void redrawCurves() {
        LogitPicture p = vm.curvesProperty().get();
        if (p == null) {
            return;
        }
        double[] levels = new double[p.exact().length];
        for (int u = 0; u < levels.length; u++) {
            levels[u] = u;
        }
        double low = 0;
        for (double v : p.exact()) {
            low = Math.min(low, v);
        }
        if (p.model() != null) {
            for (double v : p.model()) {
                low = Math.min(low, v);
            }
        }
        low = Math.max(low, -5000);
        double pad = 0.05 * (-low) + 1;
        List<PlotLayer> layers = new ArrayList<>();
        layers.add(new PlotLayer.Curve(new double[] {p.level(), p.level()}, new double[] {low - pad, pad},
                ViewSettings.DATA, 1.2));
        layers.add(new PlotLayer.Curve(levels, p.exact(), ViewSettings.EXACT, EXACT_WIDTH));
        if (p.model() != null) {
            layers.add(new PlotLayer.Curve(levels, p.model(), ViewSettings.MODEL, 1.8));
        }
        curvePlot.setView(0, levels.length - 1, low - pad, pad);
        curvePlot.setAxisLabels("noise level t'", "log p(t' | x_t)");
        curvePlot.setTitle(String.format("log p(t'|x_t) at t = %d: %s, exact in orange (step %d)", p.level(),
                p.model() == null ? "no model classifier" : "model in blue", p.step()));
        curvePlot.setLayers(layers);
        redrawProbe();
    }

    private void redrawProbe() {
        LogitPicture p = vm.curvesProperty().get();
        ClassifierMaps m = vm.mapsProperty().get();
        if (p == null || m == null || m.dim() != p.x0().length) {
            return;
        }
        double[] b = m.bounds();
        if (m.dim() == 1) {
            double[] xs = axis(b[0], b[1], m.nx());
            double[] density = exp(m.exactLogDensity());
            double top = 1.15 * max(density);
            probePlot.setHeatmap(null);
            probePlot.setColorBar(false, "");
            probePlot.setView(b[0], b[1], 0, top);
            probePlot.setAxisLabels("x", "density");
            probePlot.setLayers(List.of(new PlotLayer.Curve(xs, density, ViewSettings.EXACT, 1.6),
                    new PlotLayer.Curve(new double[] {p.x0()[0], p.x0()[0]}, new double[] {0, top},
                            ViewSettings.DATA, 2.2),
                    new PlotLayer.Scatter(new float[] {p.xt()[0], (float) (0.5 * top)}, 1, 2, ViewSettings.POINTS,
                            5)));
        } else {
            double[] density = exp(m.exactLogDensity());
            probePlot.setHeatmap(new Heatmap(density, m.nx(), m.ny(), b[0], b[1], b[2], b[3],
                    settings.colorMapProperty().get(), 0, Heatmap.robustRange(density, false)[1], false));
            probePlot.setColorBar(false, "");
            probePlot.setView(b[0], b[1], b[2], b[3]);
            probePlot.setAxisLabels("x", "y");
            probePlot.setLayers(List.of(new PlotLayer.Scatter(p.x0(), 1, 2, ViewSettings.DATA, 6),
                    new PlotLayer.Scatter(p.xt(), 1, 2, ViewSettings.POINTS, 5)));
        }
        probePlot.setTitle(String.format("drag x0 (green); x_t at t = %d (yellow)", p.level()));
    }

    /**
     * The mean negative log-likelihoods in one phrase, each named and in nats (a density above 1, as the dino's, has a
     * negative NLL: the sign is the value's, lower is better).
     */
    static String nllWords(ClassifierMaps m) {
        return m.modelLogDensity() == null ? String.format("mean NLL in nats: exact %.3f", m.exactNll())
                : String.format("mean NLL in nats (lower is better): model %.3f, floor %.3f (exact classifier),"
                        + " exact %.3f", m.nll(), m.floorNll(), m.exactNll());
    }

    private void redrawMaps() {
        ClassifierMaps m = vm.mapsProperty().get();
        if (m == null) {
            return;
        }
        double[] b = m.bounds();
        String nll = nllWords(m);
        if (m.dim() == 1) {
            double[] xs = axis(b[0], b[1], m.nx());
            List<PlotLayer> log = new ArrayList<>();
            List<PlotLayer> lin = new ArrayList<>();
            log.add(new PlotLayer.Curve(xs, m.exactLogDensity(), ViewSettings.EXACT, EXACT_WIDTH));
            lin.add(new PlotLayer.Curve(xs, exp(m.exactLogDensity()), ViewSettings.EXACT, EXACT_WIDTH));
            double top = 1.15 * max(exp(m.exactLogDensity()));
            if (m.modelLogDensity() != null) {
                log.add(new PlotLayer.Curve(xs, m.modelLogDensity(), ViewSettings.MODEL, 1.8));
                lin.add(new PlotLayer.Curve(xs, exp(m.modelLogDensity()), ViewSettings.MODEL, 1.8));
            }
            for (PlotCanvas c : List.of(modelMap, exactMap)) {
                c.setHeatmap(null);
                c.setColorBar(false, "");
            }
            double maxLog = max(m.exactLogDensity());
            modelMap.setView(b[0], b[1], maxLog - 25, maxLog + 2);
            modelMap.setAxisLabels("x", "log p(x)");
            modelMap.setTitle("log p(x) in one pass; " + nll);
            modelMap.setLayers(log);
            exactMap.setView(b[0], b[1], 0, top);
            exactMap.setAxisLabels("x", "p(x)");
            exactMap.setTitle(m.modelLogDensity() == null ? "density: exact (orange)"
                    : "density: model (blue) and exact (orange)");
            exactMap.setLayers(lin);
        } else {
            double[] range = Heatmap.robustRange(m.exactLogDensity(), false);
            double lo = Math.max(range[0], range[1] - 12);
            if (m.modelLogDensity() != null) {
                modelMap.setHeatmap(new Heatmap(m.modelLogDensity(), m.nx(), m.ny(), b[0], b[1], b[2], b[3],
                        settings.colorMapProperty().get(), lo, range[1], false));
            } else {
                modelMap.setHeatmap(null);
            }
            modelMap.setColorBar(true, "log p");
            modelMap.setView(b[0], b[1], b[2], b[3]);
            modelMap.setAxisLabels("x", "y");
            modelMap.setTitle("model log p(x), one pass; " + nll);
            exactMap.setHeatmap(new Heatmap(m.exactLogDensity(), m.nx(), m.ny(), b[0], b[1], b[2], b[3],
                    settings.colorMapProperty().get(), lo, range[1], false));
            exactMap.setColorBar(true, "log p");
            exactMap.setView(b[0], b[1], b[2], b[3]);
            exactMap.setAxisLabels("x", "y");
            exactMap.setTitle("exact log p(x)");
            modelMap.setLayers(List.of());
            exactMap.setLayers(List.of());
        }
        int levels = vm.maxLevelProperty().get() + 1;
        if (m.confusion() != null) {
            confusionPlot.setHeatmap(new Heatmap(m.confusion(), m.bins(), m.bins(), 0, levels, 0, levels,
                    settings.colorMapProperty().get(), 0, Math.max(1e-9, max(m.confusion())), false));
            confusionPlot.setTitle(String.format("confusion: accuracy %.1f%% (exact %.1f%%)", 100 * m.accuracy(),
                    100 * m.exactAccuracy()));
        } else {
            confusionPlot.setHeatmap(null);
            confusionPlot.setTitle(String.format("confusion: no model classifier (exact accuracy %.1f%%)",
                    100 * m.exactAccuracy()));
        }
        confusionPlot.setColorBar(true, "fraction of row");
        confusionPlot.setView(0, levels, 0, levels);
        confusionPlot.setAxisLabels("predicted level", "true level");
        confusionPlot.setLayers(List.of());
        redrawProbe();
    }

    private static double[] axis(double lo, double hi, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = lo + (hi - lo) * (i + 0.5) / n;
        }
        return a;
    }

    private static double[] exp(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.exp(v[i]);
        }
        return out;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    @Override
    public String exportName() {
        return "classifier";
    }

    @Override
    public Node exportNode() {
        return grid;
    }

    @Override
    public List<String> csvHeader() {
        return List.of("t", "level", "model_logp", "exact_logp");
    }

    @Override
    public List<double[]> csvRows() {
        LogitPicture p = vm.curvesProperty().get();
        List<double[]> rows = new ArrayList<>();
        if (p == null) {
            return rows;
        }
        for (int u = 0; u < p.exact().length; u++) {
            rows.add(new double[] {p.level(), u, p.model() == null ? Double.NaN : p.model()[u], p.exact()[u]});
        }
        return rows;
    }
}
