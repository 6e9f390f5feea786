package org.noiselab.app.view;

import jakarta.inject.Inject;
import java.awt.BasicStroke;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.noiselab.app.service.TrainingSnapshot;
import org.noiselab.app.viewmodel.LabViewModel;
import org.noiselab.app.viewmodel.LossSeries;

/**
 * The live loss chart (JFreeChart): the loss of every step, averaged into at most 1000 points. Redrawn at most five
 * times a second, and only while the view is showing (JFreeChart renders on the FX thread); a new run always redraws.
 */
public final class TrainingView implements ExportableView {

    private static final int MAX_POINTS = 1000;

    private final BorderPane root = new BorderPane();
    private final XYSeries series = new XYSeries("loss", false, true);
    private final JFreeChart chart;
    private final ChartViewer viewer;
    private final CheckBox logScale = new CheckBox("log scale");
    private static final long MIN_REDRAW_NANOS = 200_000_000L;

    private float[] losses = new float[0];
    private int shownLength = -1;
    private long lastRedraw;
    private TrainingSnapshot pending;
    private boolean showing;

    @Inject
    public TrainingView(LabViewModel lab, ViewSettings settings) {
        chart = ChartFactory.createXYLineChart(null, "step", "loss (mean over bucket)",
                new XYSeriesCollection(series), PlotOrientation.VERTICAL, false, true, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setSeriesPaint(0, awt(ViewSettings.MODEL));
        renderer.setSeriesStroke(0, new BasicStroke(1.6f));
        plot.setRenderer(renderer);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        viewer = new ChartViewer(chart);
        viewer.setId("lossChart");
        logScale.setOnAction(e -> plot.setRangeAxis(axis(logScale.isSelected())));
        Label hint = new Label("The objective's loss of each step, averaged in buckets; it is noisy by nature.");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(hint, spacer, logScale);
        bar.getStyleClass().add("view-toolbar");
        root.setTop(bar);
        root.setCenter(viewer);
        lab.snapshotProperty().addListener((o, a, s) -> {
            pending = s;
            boolean newRun = a == null || s == null || !a.setup().equals(s.setup())
                    || s.lossHistory().length < shownLength;
            if (newRun) {
                shownLength = -1;
            }
            if (newRun || (showing && System.nanoTime() - lastRedraw > MIN_REDRAW_NANOS)) {
                update(s);
            }
        });
        settings.themeProperty().addListener((o, a, t) -> style(t));
        style(settings.themeProperty().get());
    }

    public Node root() {
        return root;
    }

    /** Tells the view whether it is on screen; it catches up when shown. */
    public void setShowing(boolean showing) {
        this.showing = showing;
        if (showing && pending != null) {
            update(pending);
        }
    }

    /** The points currently drawn (for tests). */
    public int pointCount() {
        return series.getItemCount();
    }

    private void update(TrainingSnapshot s) {
        if (s == null || s.lossHistory().length == shownLength) {
            return;
        }
        shownLength = s.lossHistory().length;
        lastRedraw = System.nanoTime();
        losses = s.lossHistory();
        double[][] shown = LossSeries.downsample(losses, MAX_POINTS);
        series.setNotify(false);
        series.clear();
        for (int i = 0; i < shown[0].length; i++) {
            series.add(shown[0][i], shown[1][i], false);
        }
        series.setNotify(true);
    }

    private static ValueAxis axis(boolean log) {
        if (log) {
            LogAxis a = new LogAxis("loss (log)");
            a.setSmallestValue(1e-4);
            return a;
        }
        NumberAxis a = new NumberAxis("loss (mean over bucket)");
        a.setAutoRangeIncludesZero(false);
        return a;
    }

    private void style(Theme theme) {
        ChartStyle.apply(chart, theme);
    }

    private static java.awt.Color awt(javafx.scene.paint.Color c) {
        return ChartStyle.awt(c);
    }

    @Override
    public String exportName() {
        return "training-loss";
    }

    @Override
    public Node exportNode() {
        return viewer;
    }

    @Override
    public List<String> csvHeader() {
        return List.of("step", "loss");
    }

    /** Every step's loss, not the averaged points. */
    @Override
    public List<double[]> csvRows() {
        List<double[]> rows = new ArrayList<>(losses.length);
        for (int i = 0; i < losses.length; i++) {
            rows.add(new double[] {i + 1, losses[i]});
        }
        return rows;
    }
}
