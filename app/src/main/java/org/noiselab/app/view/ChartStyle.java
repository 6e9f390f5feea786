package org.noiselab.app.view;

import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;

/** Gives a JFreeChart the colours of the app's theme. */
final class ChartStyle {

    private ChartStyle() {
    }

    static void apply(JFreeChart chart, Theme theme) {
        java.awt.Color text = awt(theme.plot().text());
        java.awt.Color grid = awt(theme.plot().grid());
        chart.setBackgroundPaint(awt(theme.plot().background()));
        if (chart.getLegend() != null) {
            chart.getLegend().setBackgroundPaint(awt(theme.plot().background()));
            chart.getLegend().setItemPaint(text);
        }
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(awt(theme.plot().plotBackground()));
        plot.setDomainGridlinePaint(grid);
        plot.setRangeGridlinePaint(grid);
        for (ValueAxis a : List.of(plot.getDomainAxis(), plot.getRangeAxis())) {
            a.setLabelPaint(text);
            a.setTickLabelPaint(text);
            a.setAxisLinePaint(text);
            a.setTickMarkPaint(text);
        }
    }

    static java.awt.Color awt(javafx.scene.paint.Color c) {
        return new java.awt.Color((float) c.getRed(), (float) c.getGreen(), (float) c.getBlue(), (float) c.getOpacity());
    }
}
