package org.noiselab.app.view;

/** Switches JavaFX to Monocle's headless platform for TestFX tests (no display needed). */
final class HeadlessFx {

    private HeadlessFx() {
    }

    static void configure() {
        if (Boolean.getBoolean("noiselab.ui.onScreen")) {
            return;
        }
        System.setProperty("testfx.robot", "glass");
        System.setProperty("testfx.headless", "true");
        System.setProperty("glass.platform", "Monocle");
        System.setProperty("monocle.platform", "Headless");
        System.setProperty("prism.order", "sw");
        System.setProperty("prism.text", "t2k");
        System.setProperty("java.awt.headless", "true");
        System.setProperty("headless.geometry", "1600x1000-32");
    }
}
