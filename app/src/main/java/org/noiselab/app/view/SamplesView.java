package org.noiselab.app.view;

import jakarta.inject.Inject;
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
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import org.noiselab.app.service.SampleTrajectory;
import org.noiselab.app.view.plot.ColorMap;
import org.noiselab.app.view.plot.Heatmap;
import org.noiselab.app.view.plot.PlotCanvas;
import org.noiselab.app.view.plot.PlotLayer;
import org.noiselab.app.viewmodel.GridImage;
import org.noiselab.app.viewmodel.SamplesViewModel;
import org.noiselab.toys.ToyDataset;

/**
 * Samples from the selected model, drawn against the exact density at the same noise level, with a scrubber over the
 * recorded reverse process and a play button.
 */
public final class SamplesView implements ExportableView {

    private final SamplesViewModel vm;
    private final ViewSettings settings;
    private final BorderPane root = new BorderPane();
    private final PlotCanvas plot = new PlotCanvas();
    private final Slider scrubber = new Slider(0, 1, 1);
    private final Timeline player = new Timeline(new KeyFrame(Duration.millis(40), e -> stepAnimation()));

    @Inject
    public SamplesView(SamplesViewModel vm, ViewSettings settings) {
        this.vm = vm;
        this.settings = settings;
        root.setTop(toolbar());
        root.setCenter(plot);
        root.setBottom(scrubberBar());
        plot.setId("samplesPlot");
        player.setCycleCount(Timeline.INDEFINITE);
        vm.playingProperty().addListener((o, a, playing) -> {
            if (playing) {
                player.play();
            } else {
                player.stop();
            }
        });
        vm.frameProperty().addListener((o, a, b) -> redraw());
        vm.lineDensityProperty().addListener((o, a, b) -> redraw());
        vm.planeDensityProperty().addListener((o, a, b) -> redraw());
        settings.colorMapProperty().addListener((o, a, b) -> redraw());
        settings.themeProperty().addListener((o, a, t) -> {
            plot.setTheme(t.plot());
            redraw();
        });
        plot.setTheme(settings.themeProperty().get().plot());
    }

    public Node root() {
        return root;
    }

    private VBox toolbar() {
        ComboBox<String> sampler = new ComboBox<>(FXCollections.observableArrayList(vm.samplers()));
        sampler.valueProperty().bindBidirectional(vm.samplerProperty());
        sampler.setId("sampler");
        Spinner<Integer> steps = spinner(1, 1000, vm.stepsProperty().get(), 10);
        steps.valueProperty().addListener((o, a, b) -> vm.stepsProperty().set(b));
        vm.stepsProperty().addListener((o, a, b) -> steps.getValueFactory().setValue(b.intValue()));
        Spinner<Integer> count = spinner(1, 20_000, vm.sampleCountProperty().get(), 250);
        count.valueProperty().addListener((o, a, b) -> vm.sampleCountProperty().set(b));
        vm.sampleCountProperty().addListener((o, a, b) -> count.getValueFactory().setValue(b.intValue()));
        Spinner<Integer> seed = spinner(0, Integer.MAX_VALUE, (int) vm.seedProperty().get(), 1);
        seed.valueProperty().addListener((o, a, b) -> vm.seedProperty().set(b));
        vm.seedProperty().addListener((o, a, b) -> seed.getValueFactory().setValue((int) b.longValue()));
        Button sample = new Button("Sample");
        sample.setMinWidth(Button.USE_PREF_SIZE);
        sample.setId("sample");
        sample.setDefaultButton(false);
        sample.disableProperty().bind(vm.busyProperty());
        sample.setOnAction(e -> vm.sample());
        ProgressIndicator busy = new ProgressIndicator();
        busy.setPrefSize(18, 18);
        busy.visibleProperty().bind(vm.busyProperty());
        Label summary = new Label();
        summary.textProperty().bind(vm.summaryProperty());
        HBox bar = new HBox(label("Sampler"), sampler, label("Steps"), steps, label("Samples"), count, label("Seed"),
                seed, sample, busy);
        bar.getStyleClass().add("view-toolbar");
        summary.getStyleClass().add("hover-label");
        return new VBox(bar, guidanceBar(), summary);
    }

    /** Class picker and guidance slider, shown for conditional models (and the oracle of a labelled dataset). */
    private HBox guidanceBar() {
        ComboBox<String> picker = ClassPicker.create("classPicker", "all (unconditional)", vm.labelProperty(),
                () -> vm.classesProperty().get(), vm.classesProperty());
        Slider weight = ClassPicker.guidanceSlider("guidance", SamplesViewModel.MAX_GUIDANCE, 260,
                vm.guidanceProperty(), vm.labelProperty());
        Label value = new Label();
        value.getStyleClass().add("metric-label");
        value.textProperty().bind(Bindings.format("w = %.2f", vm.guidanceProperty()));
        HBox bar = new HBox(label("Class"), picker, label("Guidance"), weight, value);
        bar.getStyleClass().add("view-toolbar");
        bar.visibleProperty().bind(Bindings.createBooleanBinding(() -> !vm.classesProperty().get().isEmpty(),
                vm.classesProperty()));
        bar.managedProperty().bind(bar.visibleProperty());
        return bar;
    }

    private static Label label(String text) {
        Label l = new Label(text);
        l.setMinWidth(Label.USE_PREF_SIZE);
        return l;
    }

    private VBox scrubberBar() {
        Button play = new Button();
        play.setId("playSamples");
        play.textProperty().bind(Bindings.when(vm.playingProperty()).then("\u275A\u275A").otherwise("\u25B6"));
        play.setOnAction(e -> vm.togglePlay());
        scrubber.setId("scrubber");
        scrubber.maxProperty().bind(Bindings.max(1, vm.frameCountProperty().subtract(1)));
        scrubber.setBlockIncrement(1);
        scrubber.valueProperty().addListener((o, a, b) -> vm.frameProperty().set((int) Math.round(b.doubleValue())));
        vm.frameProperty().addListener((o, a, b) -> scrubber.setValue(b.intValue()));
        HBox.setHgrow(scrubber, Priority.ALWAYS);
        Label frame = new Label();
        frame.getStyleClass().add("metric-label");
        frame.textProperty().bind(Bindings.createStringBinding(() -> String.format("step %d / %d   abar = %.4f",
                vm.frameProperty().get(), vm.frameCountProperty().get() - 1, vm.frameAlphaBar()), vm.frameProperty(),
                vm.frameCountProperty()));
        HBox bar = new HBox(8, play, scrubber, frame);
        bar.getStyleClass().add("view-toolbar");
        return new VBox(bar);
    }

    private static Spinner<Integer> spinner(int min, int max, int value, int step) {
        Spinner<Integer> s = new Spinner<>(min, max, value, step);
        s.setEditable(true);
        s.setPrefWidth(95);
        return s;
    }

    private void stepAnimation() {
        vm.advance();
    }

    private void redraw() {
        SampleTrajectory t = vm.trajectoryProperty().get();
        if (t == null) {
            return;
        }
        ToyDataset d = vm.dataset();
        double[] v = vm.viewBounds(d);
        int frame = Math.min(vm.frameProperty().get(), t.frames().size() - 1);
        float[] points = t.frames().get(frame);
        plot.setTitle(String.format("%s, %d samples, step %d of %d", t.sampler().kind(), t.n(), frame,
                t.frames().size() - 1));
        if (t.dim() == 1) {
            double[][] exact = vm.lineDensityProperty().get();
            PlotLayer.Curve hist = PlotLayers.histogram(points, t.n(), v[0], v[1], 80, ViewSettings.SAMPLES);
            List<PlotLayer> layers = new ArrayList<>();
            layers.add(hist);
            double top = PlotLayers.maxY(hist.ys());
            if (exact != null) {
                layers.add(new PlotLayer.Curve(exact[0], exact[1], ViewSettings.EXACT, 2.2));
                top = Math.max(top, PlotLayers.maxY(exact[1]));
            }
            layers.add(new PlotLayer.Scatter(points, Math.min(t.n(), 2000), 1, ViewSettings.SAMPLES, 1));
            plot.setHeatmap(null);
            plot.setColorBar(false, "");
            plot.setView(v[0], v[1], 0, 1.15 * Math.max(top, 1e-3));
            plot.setAxisLabels("x", "density");
            plot.setLayers(layers);
        } else {
            GridImage g = vm.planeDensityProperty().get();
            if (g != null) {
                ColorMap map = settings.colorMapProperty().get();
                double[] range = Heatmap.robustRange(g.values(), false);
                plot.setHeatmap(new Heatmap(g.values(), g.nx(), g.ny(), g.xMin(), g.xMax(), g.yMin(), g.yMax(), map,
                        0, range[1], false));
                plot.setColorBar(true, "exact density q_t");
            }
            plot.setView(v[0], v[1], v[2], v[3]);
            plot.setAxisLabels("x", "y");
            plot.setLayers(List.of(new PlotLayer.Scatter(points, t.n(), 2,
                    ViewSettings.POINTS.deriveColor(0, 1, 1, 0.8), 1.6)));
        }
    }

    @Override
    public String exportName() {
        return "samples";
    }

    @Override
    public Node exportNode() {
        return plot;
    }

    @Override
    public List<String> csvHeader() {
        SampleTrajectory t = vm.trajectoryProperty().get();
        return t != null && t.dim() == 2 ? List.of("x", "y") : List.of("x");
    }

    @Override
    public List<double[]> csvRows() {
        SampleTrajectory t = vm.trajectoryProperty().get();
        List<double[]> rows = new ArrayList<>();
        if (t == null) {
            return rows;
        }
        float[] points = t.frames().get(Math.min(vm.frameProperty().get(), t.frames().size() - 1));
        for (int i = 0; i < t.n(); i++) {
            double[] row = new double[t.dim()];
            for (int j = 0; j < t.dim(); j++) {
                row[j] = points[i * t.dim() + j];
            }
            rows.add(row);
        }
        return rows;
    }
}
