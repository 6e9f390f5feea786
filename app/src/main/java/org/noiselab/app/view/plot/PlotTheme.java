package org.noiselab.app.view.plot;

import javafx.scene.paint.Color;

/**
 * The colours of a {@link PlotCanvas}: the widget background (margins), the plot area, axis lines and ticks, text,
 * and grid lines.
 */
public record PlotTheme(Color background, Color plotBackground, Color axis, Color text, Color grid) {

    /** Dark text on white. */
    public static final PlotTheme LIGHT = new PlotTheme(Color.web("#ffffff"), Color.web("#ffffff"),
            Color.web("#4a4a4a"), Color.web("#222222"), Color.web("#e3e3e3"));

    /** Light grey text on near-black. */
    public static final PlotTheme DARK = new PlotTheme(Color.web("#1e1f22"), Color.web("#151618"),
            Color.web("#9a9ca3"), Color.web("#d4d6db"), Color.web("#2e3035"));
}
