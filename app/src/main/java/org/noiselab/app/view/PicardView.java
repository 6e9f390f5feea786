package org.noiselab.app.view;

import jakarta.inject.Inject;
import java.awt.BasicStroke;
import java.util.ArrayList;
import java.util.List;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.noiselab.app.service.DefaultRun;
import org.noiselab.app.service.ModelRef;
import org.noiselab.app.service.PicardRun;
import org.noiselab.app.view.plot.Heatmap;
import org.noiselab.app.view.plot.PlotCanvas;
import org.noiselab.app.view.plot.PlotLayer;
import org.noiselab.app.viewmodel.GridImage;
import org.noiselab.app.viewmodel.PicardViewModel;
import org.noiselab.app.viewmodel.ScoreErrorViewModel;
import org.noiselab.toys.ToyDataset;

/**
 * Picard (parallel) sampling, iteration by iteration: the trajectories of a few samples drawn over the model's
 * score-error heatmap (1D, the CDL paper's figure 1) or the plane (2D), and the MMD of the current final state per
 * iteration for this model and a comparison model (the paper's figure 4).
 */
public final class PicardView implements ExportableView {

    private final PicardViewModel vm;
    private final ScoreErrorViewModel scoreError;
    private final ViewSettings settings;
    private final FxDialogService dialogs;
    private final BorderPane root = new BorderPane();
    private final PlotCanvas plot = new PlotCanvas();
    private final XYSeries mmdRun = new XYSeries("this model", true, true);
    private XYSeries mmdComparison = new XYSeries("comparison", true, true);
    private final XYSeriesCollection data = new XYSeriesCollection();
    private final JFreeChart chart;
    private final ValueMarker marker = new ValueMarker(1);
    private final Timeline player = new Timeline(new KeyFrame(Duration.millis(250), e -> advance()));
    private float[] dataOverlay;
    private String overlayDataset;

    @Inject
    public PicardView(PicardViewModel vm, ScoreErrorViewModel scoreError, ViewSettings settings,
                      FxDialogService dialogs) {
        this.vm = vm;
        this.scoreError = scoreError;
        this.settings = settings;
        this.dialogs = dialogs;
        data.addSeries(mmdRun);
        data.addSeries(mmdComparison);
        chart = ChartFactory.createXYLineChart(null, "Picard iteration",
                "MMD of the final state (unbiased: can dip below 0 at the floor)", data,
                PlotOrientation.VERTICAL, true, true, false);
        XYPlot xy = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setSeriesPaint(0, awt(ViewSettings.MODEL));
        renderer.setSeriesPaint(1, awt(ViewSettings.EXACT));
        renderer.setSeriesStroke(0, new BasicStroke(1.8f));
        renderer.setSeriesStroke(1, new BasicStroke(1.8f));
        xy.setRenderer(renderer);
        xy.addDomainMarker(marker);
        ChartViewer viewer = new ChartViewer(chart);
        viewer.setId("picardMmdChart");
        plot.setId("picardPlot");
        plot.setTitle(EMPTY_HINT);
        SplitPane split = new SplitPane(plot, viewer);
        split.setDividerPositions(0.6);
        root.setTop(toolbar());
        root.setCenter(split);
        root.setBottom(scrubber());
        player.setCycleCount(Timeline.INDEFINITE);
        vm.playingProperty().addListener((o, a, p) -> {
            if (p) {
                player.play();
            } else {
                player.stop();
            }
        });
        vm.runProperty().addListener((o, a, r) -> {
            fill(mmdRun, r);
            redraw();
        });
        vm.comparisonProperty().addListener((o, a, r) -> {
            // a series keeps its key: the renamed comparison is a new series in the same (second) place
            data.removeSeries(mmdComparison);
            mmdComparison = new XYSeries(r == null ? "comparison" : r.label(), true, true);
            fill(mmdComparison, r);
            data.addSeries(mmdComparison);
        });
        vm.iterationProperty().addListener((o, a, b) -> redraw());
        scoreError.imageProperty().addListener((o, a, b) -> {
            if (vm.runProperty().get() != null && vm.runProperty().get().dim() == 1) {
                redraw();
            }
        });
        settings.themeProperty().addListener((o, a, t) -> {
            plot.setTheme(t.plot());
            ChartStyle.apply(chart, t);
            redraw();
        });
        plot.setTheme(settings.themeProperty().get().plot());
        ChartStyle.apply(chart, settings.themeProperty().get());
    }

    public Node root() {
        return root;
    }

    private VBox toolbar() {
        ComboBox<String> drift = new ComboBox<>(FXCollections.observableArrayList(vm.drifts()));
        drift.valueProperty().bindBidirectional(vm.driftProperty());
        drift.setId("picardDrift");
        drift.setMinWidth(ComboBox.USE_PREF_SIZE); // on a narrow window the toolbar shrank it to "d..."
        Spinner<Integer> steps = spinner(1, 100_000, vm.stepsProperty().get(), 50);
        vm.stepsProperty().addListener((o, a, b) -> steps.getValueFactory().setValue(b.intValue()));
        steps.valueProperty().addListener((o, a, b) -> vm.stepsProperty().set(b));
        TextField tol = new TextField(Double.toString(vm.toleranceProperty().get()));
        tol.setPrefColumnCount(5);
        tol.textProperty().addListener((o, a, b) -> {
            try {
                vm.toleranceProperty().set(Double.parseDouble(b));
            } catch (NumberFormatException e) {
                vm.toleranceProperty().set(Double.NaN);
            }
        });
        Spinner<Integer> window = spinner(0, 100_000, vm.windowProperty().get(), 10);
        window.valueProperty().addListener((o, a, b) -> vm.windowProperty().set(b));
        Spinner<Integer> samples = spinner(2, 5000, vm.sampleCountProperty().get(), 100);
        samples.valueProperty().addListener((o, a, b) -> vm.sampleCountProperty().set(b));
        Button run = new Button("Run Picard");
        run.setId("runPicard");
        run.setMinWidth(Button.USE_PREF_SIZE);
        run.disableProperty().bind(vm.busyProperty());
        run.setOnAction(e -> vm.runCurrent());
        MenuButton compare = new MenuButton("Compare with");
        compare.setMinWidth(MenuButton.USE_PREF_SIZE);
        compare.disableProperty().bind(vm.busyProperty().or(vm.runProperty().isNull()));
        MenuItem file = new MenuItem("Checkpoint file...");
        file.setOnAction(e -> dialogs.chooseCheckpointToOpen().ifPresent(p -> vm.compareWith(new ModelRef.File(p))));
        compare.setOnShowing(e -> {
            compare.getItems().clear();
            for (DefaultRun.Shipped s : vm.comparable()) {
                MenuItem item = new MenuItem(s.label());
                item.setOnAction(a -> vm.compareWith(new ModelRef.Shipped(s)));
                compare.getItems().add(item);
            }
            compare.getItems().add(file);
        });
        compare.getItems().add(file);
        Button stop = new Button("Stop");
        stop.setMinWidth(Button.USE_PREF_SIZE);
        stop.disableProperty().bind(vm.busyProperty().not());
        stop.setOnAction(e -> vm.cancel());
        ProgressIndicator busy = new ProgressIndicator();
        busy.setPrefSize(18, 18);
        busy.visibleProperty().bind(vm.busyProperty());
        HBox bar = new HBox(label("Drift"), drift, label("Steps"), steps, label("Tolerance"), tol, label("Window"),
                window, label("Samples"), samples, run, compare, stop, busy);
        bar.getStyleClass().add("view-toolbar");
        Label summary = new Label();
        summary.textProperty().bind(vm.summaryProperty());
        summary.getStyleClass().add("hover-label");
        return new VBox(bar, summary);
    }

    private HBox scrubber() {
        Button play = new Button();
        play.textProperty().bind(Bindings.when(vm.playingProperty()).then("\u275A\u275A").otherwise("\u25B6"));
        play.setOnAction(e -> vm.togglePlay());
        Slider slider = new Slider(0, 1, 0);
        slider.setId("picardScrubber");
        slider.maxProperty().bind(Bindings.max(1, vm.iterationCountProperty().subtract(1)));
        slider.valueProperty().addListener((o, a, b) -> vm.iterationProperty().set((int) Math.round(b.doubleValue())));
        vm.iterationProperty().addListener((o, a, b) -> slider.setValue(b.intValue()));
        HBox.setHgrow(slider, Priority.ALWAYS);
        Label info = new Label();
        info.getStyleClass().add("metric-label");
        info.textProperty().bind(Bindings.createStringBinding(() -> {
            PicardRun.Frame f = vm.frame();
            return f == null ? "" : String.format("iteration %d / %d   converged %d / %d   MMD %.4f", f.iteration(),
                    vm.iterationCountProperty().get(), f.converged(), vm.runProperty().get().spec().steps(), f.mmd());
        }, vm.iterationProperty(), vm.runProperty()));
        HBox bar = new HBox(8, play, slider, info);
        bar.getStyleClass().add("view-toolbar");
        return bar;
    }

    private void advance() {
        vm.advance();
    }

    private void fill(XYSeries series, PicardRun r) {
        series.setNotify(false);
        series.clear();
        if (r != null) {
            for (PicardRun.Frame f : r.frames()) {
                series.add(f.iteration(), f.mmd(), false);
            }
        }
        series.setNotify(true);
    }

    /** What the empty plot says before the first run. */
    static final String EMPTY_HINT = "Run Picard (toolbar) to watch its iterations: a few samples' trajectories here,"
            + " the MMD per iteration on the right";

    private void redraw() {
        PicardRun r = vm.runProperty().get();
        PicardRun.Frame f = vm.frame();
        if (r == null || f == null) {
            plot.setTitle(EMPTY_HINT);
            return;
        }
        marker.setValue(f.iteration());
        List<double[]> paths = new ArrayList<>();
        int slots = r.spec().steps() + 1;
        if (r.dim() == 1) {
            for (float[] path : f.trajectories()) {
                double[] line = new double[2 * slots];
                for (int j = 0; j < slots; j++) {
                    line[2 * j] = r.stepOfSlot(j);
                    line[2 * j + 1] = path[j];
                }
                paths.add(line);
            }
            GridImage img = scoreError.imageProperty().get();
            if (img != null) {
                double[] range = Heatmap.robustRange(img.values(), true);
                plot.setHeatmap(new Heatmap(img.values(), img.nx(), img.ny(), img.xMin(), img.xMax(), img.yMin(),
                        img.yMax(), settings.colorMapProperty().get(), range[0], range[1], true));
                plot.setColorBar(true, "squared eps error");
            }
            plot.setView(0, r.tau()[r.tau().length - 1], -ScoreErrorViewModel.LINE_EXTENT,
                    ScoreErrorViewModel.LINE_EXTENT);
            plot.setAxisLabels("diffusion step t", "x");
            plot.setLayers(List.of(new PlotLayer.Paths(paths, ViewSettings.PATHS, 2.0)));
        } else {
            for (float[] path : f.trajectories()) {
                double[] line = new double[2 * slots];
                for (int j = 0; j < slots; j++) {
                    line[2 * j] = path[2 * j];
                    line[2 * j + 1] = path[2 * j + 1];
                }
                paths.add(line);
            }
            ToyDataset d = scoreError.dataset();
            double[] v = d == null ? new double[] {-4, 4, -4, 4} : d.viewBounds();
            plot.setHeatmap(null);
            plot.setColorBar(false, "");
            plot.setView(v[0], v[1], v[2], v[3]);
            plot.setAxisLabels("x", "y");
            plot.setLayers(List.of(new PlotLayer.Scatter(overlay(d), 500, 2, ViewSettings.DATA.deriveColor(0, 1, 1,
                    0.5), 1.5), new PlotLayer.Scatter(f.finalState(), f.finalState().length / 2, 2,
                    ViewSettings.POINTS.deriveColor(0, 1, 1, 0.8), 1.6), new PlotLayer.Paths(paths,
                    ViewSettings.PATHS, 1.6)));
        }
        plot.setTitle(String.format("%s: iteration %d, trajectories of %d samples%s", r.label(), f.iteration(),
                f.trajectories().length, r.dim() == 1 ? " over the score error"
                        : " (blue: paths; orange: final states; green: data)"));
    }

    private float[] overlay(ToyDataset d) {
        if (d != null && !d.name().equals(overlayDataset)) {
            dataOverlay = d.sample(500, 23).pointsAsFloats();
            overlayDataset = d.name();
        }
        return dataOverlay == null ? new float[1000] : dataOverlay;
    }

    private static Label label(String text) {
        Label l = new Label(text);
        l.setMinWidth(Label.USE_PREF_SIZE);
        return l;
    }

    private static Spinner<Integer> spinner(int min, int max, int value, int step) {
        Spinner<Integer> s = new Spinner<>(min, max, value, step);
        s.setEditable(true);
        s.setPrefWidth(90);
        return s;
    }

    private static java.awt.Color awt(javafx.scene.paint.Color c) {
        return ChartStyle.awt(c);
    }

    @Override
    public String exportName() {
        return "picard";
    }

    @Override
    public Node exportNode() {
        return root;
    }

    @Override
    public List<String> csvHeader() {
        return List.of("model", "iteration", "converged_steps", "model_evaluations", "mmd");
    }

    /** Both runs' iterations; the model column is 0 for this model, 1 for the comparison. */
    @Override
    public List<double[]> csvRows() {
        List<double[]> rows = new ArrayList<>();
        PicardRun[] runs = {vm.runProperty().get(), vm.comparisonProperty().get()};
        for (int m = 0; m < 2; m++) {
            if (runs[m] != null) {
                for (PicardRun.Frame f : runs[m].frames()) {
                    rows.add(new double[] {m, f.iteration(), f.converged(), f.evaluations(), f.mmd()});
                }
            }
        }
        return rows;
    }
}
