/**
 * JavaFX views built in code: each binds to its view model in the constructor and holds no logic beyond drawing and
 * forwarding user input. Plots come from {@code view.plot}; the loss chart is JFreeChart.
 */
package org.noiselab.app.view;
