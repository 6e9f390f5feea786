/**
 * The desktop laboratory's entry points: {@link org.noiselab.app.Launcher} starts the JavaFX app with no argument and
 * the engine's command line with one; {@link org.noiselab.app.DesktopApp} builds the window from the Guice injector.
 */
package org.noiselab.app;
