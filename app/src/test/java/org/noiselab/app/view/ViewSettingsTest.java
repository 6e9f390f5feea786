package org.noiselab.app.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.prefs.Preferences;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.noiselab.app.view.plot.ColorMap;

/** The theme and colour map are remembered from one start to the next; an unknown stored name falls back. */
class ViewSettingsTest {

    private final Preferences prefs = Preferences.userRoot().node("org/noiselab/test/view-" + System.nanoTime());

    @AfterEach
    void remove() throws java.util.prefs.BackingStoreException {
        prefs.removeNode();
    }

    @Test
    void theThemeAndColourMapChosenAreThereAtTheNextStart() {
        ViewSettings first = new ViewSettings(prefs);
        assertThat(first.themeProperty().get()).isEqualTo(Theme.LIGHT);
        first.themeProperty().set(Theme.DARK);
        first.colorMapProperty().set(ColorMap.MAGMA);
        ViewSettings next = new ViewSettings(prefs);
        assertThat(next.themeProperty().get()).isEqualTo(Theme.DARK);
        assertThat(next.colorMapProperty().get()).isEqualTo(ColorMap.MAGMA);
    }

    @Test
    void anUnknownStoredNameFallsBackToTheDefault() {
        prefs.put(ViewSettings.THEME_KEY, "SEPIA");
        prefs.put(ViewSettings.COLOR_MAP_KEY, "");
        ViewSettings s = new ViewSettings(prefs);
        assertThat(s.themeProperty().get()).isEqualTo(Theme.LIGHT);
        assertThat(s.colorMapProperty().get()).isEqualTo(ColorMap.VIRIDIS);
    }
}
