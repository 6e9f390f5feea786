package org.noiselab.app.view;

import org.noiselab.app.view.plot.PlotTheme;

/** The app's light and dark themes: a stylesheet from the assets module and matching plot colours. */
public enum Theme {
    LIGHT("Light", "/org/noiselab/assets/themes/light.css", PlotTheme.LIGHT),
    DARK("Dark", "/org/noiselab/assets/themes/dark.css", PlotTheme.DARK);

    private final String label;
    private final String stylesheet;
    private final PlotTheme plot;

    Theme(String label, String stylesheet, PlotTheme plot) {
        this.label = label;
        this.stylesheet = stylesheet;
        this.plot = plot;
    }

    public String label() {
        return label;
    }

    /** The external form of the stylesheet URL. */
    public String stylesheet() {
        var url = Theme.class.getResource(stylesheet);
        if (url == null) {
            throw new IllegalStateException("missing stylesheet " + stylesheet);
        }
        return url.toExternalForm();
    }

    public PlotTheme plot() {
        return plot;
    }
}
