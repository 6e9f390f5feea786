package org.noiselab.app.view;

import jakarta.inject.Singleton;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.paint.Color;
import org.noiselab.app.view.plot.ColorMap;

/** Display settings shared by every view: theme and colour map, plus the Okabe-Ito colours for overlays. */
@Singleton
public final class ViewSettings {

    /** Okabe-Ito colours: distinguishable with every common colour-vision deficiency. */
    public static final Color MODEL = Color.web("#0072B2");
    public static final Color EXACT = Color.web("#D55E00");
    public static final Color SAMPLES = Color.web("#0072B2");
    public static final Color POINTS = Color.web("#E69F00");
    public static final Color DATA = Color.web("#009E73");
    public static final Color PATHS = Color.web("#56B4E9");

    private final ObjectProperty<Theme> theme = new SimpleObjectProperty<>(this, "theme", Theme.LIGHT);
    private final ObjectProperty<ColorMap> colorMap = new SimpleObjectProperty<>(this, "colorMap", ColorMap.VIRIDIS);

    public ObjectProperty<Theme> themeProperty() {
        return theme;
    }

    public ObjectProperty<ColorMap> colorMapProperty() {
        return colorMap;
    }
}
