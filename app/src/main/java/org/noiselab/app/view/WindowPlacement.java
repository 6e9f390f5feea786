package org.noiselab.app.view;

import javafx.geometry.Rectangle2D;
import org.jspecify.annotations.Nullable;

/**
 * Where the main window opens: inside the screen's visual bounds (without task bars), at its remembered size and
 * place when those still fit, else at the preferred size, centred. Never smaller than the smallest size the layout
 * serves (1280 x 720) unless the screen itself is smaller.
 */
record WindowPlacement(double x, double y, double width, double height) {

    static final double PREFERRED_WIDTH = 1360;
    static final double PREFERRED_HEIGHT = 860;
    static final double MIN_WIDTH = 1280;
    static final double MIN_HEIGHT = 720;

    /** The placement on {@code screen}, from {@code remembered} bounds ({@code x, y, width, height}) if any. */
    static WindowPlacement fit(Rectangle2D screen, double @Nullable [] remembered) {
        double minW = Math.min(MIN_WIDTH, screen.getWidth());
        double minH = Math.min(MIN_HEIGHT, screen.getHeight());
        double w = remembered == null ? PREFERRED_WIDTH : remembered[2];
        double h = remembered == null ? PREFERRED_HEIGHT : remembered[3];
        w = Math.max(minW, Math.min(w, screen.getWidth()));
        h = Math.max(minH, Math.min(h, screen.getHeight()));
        double x = remembered == null ? screen.getMinX() + (screen.getWidth() - w) / 2 : remembered[0];
        double y = remembered == null ? screen.getMinY() + (screen.getHeight() - h) / 2 : remembered[1];
        x = Math.max(screen.getMinX(), Math.min(x, screen.getMaxX() - w));
        y = Math.max(screen.getMinY(), Math.min(y, screen.getMaxY() - h));
        return new WindowPlacement(x, y, w, h);
    }
}
