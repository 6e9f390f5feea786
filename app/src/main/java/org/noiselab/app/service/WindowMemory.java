package org.noiselab.app.service;

import java.util.Optional;
import java.util.prefs.Preferences;

/** The main window's last size and place ({@code x, y, width, height} in screen pixels), kept in the preferences. */
public final class WindowMemory {

    private static final String[] KEYS = {"window.x", "window.y", "window.width", "window.height"};

    private final Preferences prefs;

    public WindowMemory(Preferences prefs) {
        this.prefs = prefs;
    }

    /** The remembered bounds, if all four were saved and are finite. */
    public Optional<double[]> load() {
        double[] b = new double[KEYS.length];
        for (int i = 0; i < KEYS.length; i++) {
            b[i] = prefs.getDouble(KEYS[i], Double.NaN);
            if (!Double.isFinite(b[i])) {
                return Optional.empty();
            }
        }
        return b[2] > 0 && b[3] > 0 ? Optional.of(b) : Optional.empty();
    }

    /** Keeps the bounds; best effort, since a window must close even where the preferences cannot be written. */
    public void save(double x, double y, double width, double height) {
        double[] b = {x, y, width, height};
        try {
            for (int i = 0; i < KEYS.length; i++) {
                prefs.putDouble(KEYS[i], b[i]);
            }
        } catch (IllegalStateException | SecurityException e) {
            // a removed preferences node (a test's) or a refused store: the next start uses the default place
        }
    }
}
