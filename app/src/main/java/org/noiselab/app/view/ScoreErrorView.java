package org.noiselab.app.view;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import javafx.collections.FXCollections;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import org.noiselab.app.service.GridSpec;
import org.noiselab.app.service.ScoreGridResult;
import org.noiselab.app.view.plot.Heatmap;
import org.noiselab.app.view.plot.PlotCanvas;
import org.noiselab.app.view.plot.PlotLayer;
import org.noiselab.app.viewmodel.ErrorMeasure;
import org.noiselab.app.viewmodel.GridImage;
import org.noiselab.app.viewmodel.ScoreErrorViewModel;
import org.noiselab.engine.metric.ScoreErrorGrid;
import org.noiselab.toys.ToyDataset;

/**
 * The score-error heatmap, live while training: 1D models over (t, x) as in the CDL paper's figure 1, 2D models over
 * the plane at a noise step chosen with a slider (with data points overlaid). Hovering shows the values under the
 * pointer.
 */
public final class ScoreErrorView implements ExportableView {

    private final ScoreErrorViewModel vm;
    private final ViewSettings settings;
    private final BorderPane root = new BorderPane();
    private final PlotCanvas plot = new PlotCanvas();
    private final Label hover = new Label();
    private final Slider step = new Slider(1, 1000, 50);
    private final Label stepLabel = new Label();
    private final Label rate = new Label();
    private final javafx.beans.property.BooleanProperty planeShown = new javafx.beans.property.SimpleBooleanProperty();
    private float[] overlay;
    private String overlayDataset;

    @Inject
    public ScoreErrorView(ScoreErrorViewModel vm, ViewSettings settings) {
        this.vm = vm;
        this.settings = settings;
        ComboBox<ErrorMeasure> measure = new ComboBox<>(FXCollections.observableArrayList(ErrorMeasure.values()));
        measure.valueProperty().bindBidirectional(vm.measureProperty());
        measure.setId("errorMeasure");
        CheckBox log = new CheckBox("log colour scale");
        log.selectedProperty().bindBidirectional(vm.logScaleProperty());
        step.setId("noiseStep");
        step.setPrefWidth(220);
        step.setBlockIncrement(10);
        step.valueProperty().addListener((o, a, b) -> vm.stepProperty().set((int) Math.round(b.doubleValue())));
        vm.stepProperty().addListener((o, a, b) -> {
            step.setValue(b.intValue());
            stepLabel.setText(String.format("t = %d  (abar = %.3f)", b.intValue(), vm.planeAlphaBar()));
        });
        vm.maxStepProperty().addListener((o, a, b) -> step.setMax(b.intValue()));
        rate.textProperty().bind(vm.refreshRateProperty().asString("%.0f updates/s"));
        rate.setId("refreshRate");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label stepTitle = new Label("Noise step");
        for (javafx.scene.Node n : List.of(stepTitle, step, stepLabel)) {
            n.visibleProperty().bind(planeShown);
            n.managedProperty().bind(planeShown);
        }
        HBox bar = new HBox(new Label("Error"), measure, log, stepTitle, step, stepLabel, spacer, rate);
        bar.getStyleClass().add("view-toolbar");
        hover.getStyleClass().add("hover-label");
        hover.setId("hoverInfo");
        root.setTop(bar);
        root.setCenter(plot);
        root.setBottom(hover);
        plot.setId("scoreErrorPlot");
        plot.setColorBar(true, "");
        plot.hoverPointProperty().addListener((o, a, p) -> hover.setText(p == null ? "" : vm.describe(p.getX(), p.getY())));
        vm.imageProperty().addListener((o, a, img) -> redraw());
        vm.logScaleProperty().addListener((o, a, b) -> redraw());
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

    /** The plot (for tests and screenshots). */
    public PlotCanvas plot() {
        return plot;
    }

    private void redraw() {
        GridImage img = vm.imageProperty().get();
        ScoreGridResult r = vm.resultProperty().get();
        if (img == null || r == null) {
            return;
        }
        boolean line = r.spec() instanceof GridSpec.Line;
        planeShown.set(!line);
        boolean log = vm.logScaleProperty().get();
        double[] range = Heatmap.robustRange(img.values(), log);
        plot.setHeatmap(new Heatmap(img.values(), img.nx(), img.ny(), img.xMin(), img.xMax(), img.yMin(), img.yMax(),
                settings.colorMapProperty().get(), range[0], range[1], log));
        plot.setView(img.xMin(), img.xMax(), img.yMin(), img.yMax());
        plot.setColorBar(true, vm.measureProperty().get().label());
        if (line) {
            plot.setAxisLabels("diffusion step t", "x");
            plot.setTitle(String.format("%s of %s, step %d", vm.measureProperty().get().label(), r.choice().label(),
                    r.modelStep()));
            plot.setLayers(List.of());
        } else {
            plot.setAxisLabels("x", "y");
            plot.setTitle(String.format("%s at t = %d, %s, step %d", vm.measureProperty().get().label(),
                    r.grid().steps()[0], r.choice().label(), r.modelStep()));
            plot.setLayers(List.of(new PlotLayer.Scatter(dataOverlay(), 500, 2, ViewSettings.DATA.deriveColor(0, 1, 1,
                    0.55), 1.6)));
        }
    }

    private float[] dataOverlay() {
        ToyDataset d = vm.dataset();
        if (d != null && !d.name().equals(overlayDataset)) {
            overlay = d.sample(500, 17).pointsAsFloats();
            overlayDataset = d.name();
        }
        return overlay == null ? new float[1000] : overlay;
    }

    @Override
    public String exportName() {
        return "score-error";
    }

    @Override
    public Node exportNode() {
        return plot;
    }

    @Override
    public List<String> csvHeader() {
        ScoreGridResult r = vm.resultProperty().get();
        if (r != null && r.grid().dim() == 2) {
            return List.of("x", "y", "t", "score_model_x", "score_model_y", "score_oracle_x", "score_oracle_y",
                    "error");
        }
        return List.of("x", "t", "score_model", "score_oracle", "eps_model", "eps_oracle", "error");
    }

    @Override
    public List<double[]> csvRows() {
        ScoreGridResult r = vm.resultProperty().get();
        List<double[]> rows = new ArrayList<>();
        if (r == null) {
            return rows;
        }
        ScoreErrorGrid g = r.grid();
        ErrorMeasure m = vm.measureProperty().get();
        for (int s = 0; s < g.steps().length; s++) {
            for (int i = 0; i < g.n(); i++) {
                if (g.dim() == 1) {
                    rows.add(new double[] {g.points()[i], g.steps()[s], g.scoreModel(s, i, 0), g.scoreOracle(s, i, 0),
                        g.epsModel()[g.index(s, i, 0)], g.epsOracle()[g.index(s, i, 0)], m.of(g, s, i)});
                } else {
                    rows.add(new double[] {g.points()[2 * i], g.points()[2 * i + 1], g.steps()[s],
                        g.scoreModel(s, i, 0), g.scoreModel(s, i, 1), g.scoreOracle(s, i, 0), g.scoreOracle(s, i, 1),
                        m.of(g, s, i)});
                }
            }
        }
        return rows;
    }
}
