package org.noiselab.app.service;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.prefs.Preferences;

/** The most recently opened or saved checkpoints, kept in the user's preferences (newest first, at most 8). */
public final class RecentFiles {

    private static final int MAX = 8;
    private static final String KEY = "recent.";

    private final Preferences prefs;

    public RecentFiles(Preferences prefs) {
        this.prefs = prefs;
    }

    /** The list, newest first, skipping files that no longer exist. */
    public List<Path> list() {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < MAX; i++) {
            String v = prefs.get(KEY + i, null);
            if (v != null && java.nio.file.Files.exists(Path.of(v))) {
                out.add(Path.of(v));
            }
        }
        return out;
    }

    /** Moves a file to the front of the list. */
    public void add(Path file) {
        List<Path> current = new ArrayList<>(list());
        Path abs = file.toAbsolutePath().normalize();
        current.remove(abs);
        current.add(0, abs);
        for (int i = 0; i < MAX; i++) {
            if (i < current.size()) {
                prefs.put(KEY + i, current.get(i).toString());
            } else {
                prefs.remove(KEY + i);
            }
        }
    }
}
