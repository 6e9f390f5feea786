/**
 * A small canvas-based plotting toolkit for the views: {@link org.noiselab.app.view.plot.PlotCanvas} draws axes, a
 * heatmap with a colour bar, and scatter, curve and path layers. Colour maps, themes and PNG/CSV export live here too.
 */
package org.noiselab.app.view.plot;
