package org.noiselab.app.view;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import org.noiselab.app.view.plot.ColorMap;
import org.noiselab.app.view.plot.Heatmap;
import org.noiselab.app.view.plot.PlotCanvas;
import org.noiselab.app.view.plot.PlotLayer;
import org.noiselab.app.viewmodel.DatasetViewModel;
import org.noiselab.app.viewmodel.GridImage;

/** The chosen toy distribution: its exact density (curve or heatmap) with a seeded sample drawn over it. */
public final class DatasetView implements ExportableView {

    private final DatasetViewModel vm;
    private final ViewSettings settings;
    private final BorderPane root = new BorderPane();
    private final PlotCanvas plot = new PlotCanvas();

    @Inject
    public DatasetView(DatasetViewModel vm, ViewSettings settings) {
        this.vm = vm;
        this.settings = settings;
        Spinner<Integer> count = new Spinner<>(10, 100_000, vm.sampleCountProperty().get(), 500);
        count.setEditable(true);
        count.setPrefWidth(110);
        count.valueProperty().addListener((o, a, b) -> vm.sampleCountProperty().set(b));
        Spinner<Integer> seed = new Spinner<>(0, Integer.MAX_VALUE, (int) vm.seedProperty().get());
        seed.setEditable(true);
        seed.setPrefWidth(100);
        seed.valueProperty().addListener((o, a, b) -> vm.seedProperty().set(b));
        vm.seedProperty().addListener((o, a, b) -> seed.getValueFactory().setValue(b.intValue()));
        Button redraw = new Button("New draw");
        redraw.setOnAction(e -> vm.reseed());
        Label samples = new Label("Samples");
        Label seedLabel = new Label("Seed");
        samples.setMinWidth(Label.USE_PREF_SIZE);
        seedLabel.setMinWidth(Label.USE_PREF_SIZE);
        HBox bar = new HBox(samples, count, seedLabel, seed, redraw);
        bar.getStyleClass().add("view-toolbar");
        root.setTop(bar);
        root.setCenter(plot);
        plot.setId("datasetPlot");
        vm.pictureProperty().addListener((o, a, p) -> redraw());
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

    /** Computes the first picture. */
    public void start() {
        vm.refresh();
    }

    private void redraw() {
        DatasetViewModel.DatasetPicture p = vm.pictureProperty().get();
        if (p == null) {
            return;
        }
        double[] v = p.dataset().viewBounds();
        plot.setTitle(p.dataset().name() + ": " + p.dataset().description());
        if (p.dataset().dim() == 1) {
            PlotLayer.Curve hist = PlotLayers.histogram(p.points(), p.n(), v[0], v[1], 80, ViewSettings.SAMPLES);
            double top = 1.1 * PlotLayers.maxY(p.curve()[1], hist.ys());
            plot.setHeatmap(null);
            plot.setColorBar(false, "");
            plot.setView(v[0], v[1], 0, top);
            plot.setAxisLabels("x", "density");
            plot.setLayers(List.of(hist, new PlotLayer.Curve(p.curve()[0], p.curve()[1], ViewSettings.EXACT, 2.2),
                    new PlotLayer.Scatter(p.points(), Math.min(p.n(), 2000), 1, ViewSettings.SAMPLES, 1)));
        } else {
            GridImage g = p.plane();
            ColorMap map = settings.colorMapProperty().get();
            double[] range = Heatmap.robustRange(g.values(), false);
            plot.setHeatmap(new Heatmap(g.values(), g.nx(), g.ny(), g.xMin(), g.xMax(), g.yMin(), g.yMax(), map, 0,
                    range[1], false));
            plot.setColorBar(true, "density");
            plot.setView(v[0], v[1], v[2], v[3]);
            plot.setAxisLabels("x", "y");
            plot.setLayers(List.of(new PlotLayer.Scatter(p.points(), p.n(), 2,
                    ViewSettings.POINTS.deriveColor(0, 1, 1, 0.8), 1.6)));
        }
    }

    @Override
    public String exportName() {
        DatasetViewModel.DatasetPicture p = vm.pictureProperty().get();
        return p == null ? "dataset" : p.dataset().name();
    }

    @Override
    public Node exportNode() {
        return plot;
    }

    @Override
    public List<String> csvHeader() {
        DatasetViewModel.DatasetPicture p = vm.pictureProperty().get();
        return p != null && p.dataset().dim() == 2 ? List.of("x", "y") : List.of("x");
    }

    @Override
    public List<double[]> csvRows() {
        DatasetViewModel.DatasetPicture p = vm.pictureProperty().get();
        List<double[]> rows = new ArrayList<>();
        if (p == null) {
            return rows;
        }
        int d = p.dataset().dim();
        for (int i = 0; i < p.n(); i++) {
            double[] row = new double[d];
            for (int j = 0; j < d; j++) {
                row[j] = p.points()[i * d + j];
            }
            rows.add(row);
        }
        return rows;
    }
}
