package org.noiselab.app.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.prefs.Preferences;
import javafx.geometry.Rectangle2D;
import org.junit.jupiter.api.Test;
import org.noiselab.app.service.WindowMemory;

class WindowPlacementTest {

    private static void assertInside(WindowPlacement p, Rectangle2D screen) {
        assertThat(p.x()).isGreaterThanOrEqualTo(screen.getMinX());
        assertThat(p.y()).isGreaterThanOrEqualTo(screen.getMinY());
        assertThat(p.x() + p.width()).isLessThanOrEqualTo(screen.getMaxX());
        assertThat(p.y() + p.height()).isLessThanOrEqualTo(screen.getMaxY());
    }

    @Test
    void aSmallScreenGetsAWindowInsideItsVisualBounds() {
        // 1280 x 800 with a 30-pixel panel at the top
        Rectangle2D screen = new Rectangle2D(0, 30, 1280, 770);
        WindowPlacement p = WindowPlacement.fit(screen, null);
        assertInside(p, screen);
        assertThat(p.width()).isEqualTo(1280);
        assertThat(p.height()).isEqualTo(770);
        // the place the old fixed size was put at, (-40, -20) at 1360 x 860, is pulled inside
        WindowPlacement remembered = WindowPlacement.fit(screen, new double[] {-40, -20, 1360, 860});
        assertInside(remembered, screen);
    }

    @Test
    void aLargeScreenGetsThePreferredSizeCentredOrTheRememberedPlace() {
        Rectangle2D screen = new Rectangle2D(0, 0, 1920, 1080);
        WindowPlacement p = WindowPlacement.fit(screen, null);
        assertThat(p).isEqualTo(new WindowPlacement(280, 110, 1360, 860));
        assertThat(WindowPlacement.fit(screen, new double[] {100, 50, 1500, 900}))
                .isEqualTo(new WindowPlacement(100, 50, 1500, 900));
        // remembered on a second monitor that is gone, and smaller than the layout serves
        WindowPlacement gone = WindowPlacement.fit(screen, new double[] {3000, 200, 800, 600});
        assertInside(gone, screen);
        assertThat(gone.width()).isEqualTo(WindowPlacement.MIN_WIDTH);
        assertThat(gone.height()).isEqualTo(WindowPlacement.MIN_HEIGHT);
    }

    @Test
    void theSizeAndPlaceAreRememberedAcrossRuns() throws Exception {
        Preferences prefs = Preferences.userRoot().node("org/noiselab/uitest/window-" + System.nanoTime());
        try {
            assertThat(new WindowMemory(prefs).load()).isEmpty();
            new WindowMemory(prefs).save(12, 34, 1400, 900);
            assertThat(new WindowMemory(prefs).load()).hasValueSatisfying(b -> assertThat(b)
                    .containsExactly(12, 34, 1400, 900));
        } finally {
            prefs.removeNode();
        }
    }
}
