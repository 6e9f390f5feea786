package org.noiselab.app;

import org.noiselab.engine.cli.NoiseLabCli;

/**
 * Entry point of {@code bin/noiselab}: with arguments it runs the headless CLI; without, it opens the desktop app.
 * A plain class, because a class extending {@code javafx.application.Application} cannot be the main class when
 * JavaFX is on the class path.
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            NoiseLabCli.main(args);
            return;
        }
        DesktopApp.launchApp(args);
    }
}
