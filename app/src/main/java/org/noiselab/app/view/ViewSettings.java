package org.noiselab.app.view;

import jakarta.inject.Singleton;
import java.util.prefs.Preferences;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.paint.Color;
import org.noiselab.app.view.plot.ColorMap;

/**
 * Display settings shared by every view: theme and colour map (remembered in the preferences from one start to the
 * next), plus the Okabe-Ito colours for overlays.
 */
@Singleton
public final class ViewSettings {

    static final String THEME_KEY = "view.theme";
    static final String COLOR_MAP_KEY = "view.colorMap";

    /** Okabe-Ito colours: distinguishable with every common colour-vision deficiency. */
    public static final Color MODEL = Color.web("#0072B2");
    public static final Color EXACT = Color.web("#D55E00");
    public static final Color SAMPLES = Color.web("#0072B2");
    public static final Color POINTS = Color.web("#E69F00");
    public static final Color DATA = Color.web("#009E73");
    public static final Color PATHS = Color.web("#56B4E9");

    private final ObjectProperty<Theme> theme = new SimpleObjectProperty<>(this, "theme", Theme.LIGHT);
    private final ObjectProperty<ColorMap> colorMap = new SimpleObjectProperty<>(this, "colorMap", ColorMap.VIRIDIS);

    /** Settings that start from the remembered ones and remember every change (best effort). */
    public ViewSettings(Preferences prefs) {
        theme.set(read(prefs, THEME_KEY, Theme.class, Theme.LIGHT));
        colorMap.set(read(prefs, COLOR_MAP_KEY, ColorMap.class, ColorMap.VIRIDIS));
        theme.addListener((o, a, b) -> write(prefs, THEME_KEY, b));
        colorMap.addListener((o, a, b) -> write(prefs, COLOR_MAP_KEY, b));
    }

    private static <E extends Enum<E>> E read(Preferences prefs, String key, Class<E> type, E fallback) {
        try {
            return Enum.valueOf(type, prefs.get(key, fallback.name()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            return fallback; // an unknown name (another version's) or a removed node
        }
    }

    private static void write(Preferences prefs, String key, Enum<?> value) {
        try {
            if (value != null) {
                prefs.put(key, value.name());
            }
        } catch (IllegalStateException | SecurityException e) {
            // not remembered: the next start uses the default
        }
    }

    public ObjectProperty<Theme> themeProperty() {
        return theme;
    }

    public ObjectProperty<ColorMap> colorMapProperty() {
        return colorMap;
    }
}
