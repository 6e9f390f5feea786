package org.noiselab.app.service;

import org.jspecify.annotations.Nullable;

/**
 * What a classifier says about the whole distribution: its single-pass log-density (Theorem 3.2) on a grid beside the
 * exact one, and its confusion over noise levels beside the exact classifier's scores.
 *
 * @param dim               1 (a line of {@code nx} points) or 2 (an {@code nx x ny} plane, row-major from the bottom)
 * @param bounds            {@code [xMin, xMax]} or {@code [xMin, xMax, yMin, yMax]}
 * @param nx                points along x
 * @param ny                rows (1 in 1D)
 * @param modelLogDensity   the model's {@code log p(x)} per grid point, or {@code null} for a denoising network
 * @param exactLogDensity   the exact {@code log p(x)}
 * @param bins              bins per axis of the confusion matrix
 * @param confusion         row-normalised {@code bins x bins} confusion of the model (rows: true level), or null
 * @param accuracy          the model's level accuracy (NaN without a classifier)
 * @param exactAccuracy     the exact classifier's level accuracy (the best possible)
 * @param nll               the model's single-pass NLL of data draws (NaN without a classifier)
 * @param floorNll          the estimator's floor: the same single pass with the exact classifier on the same draws
 * @param exactNll          the exact NLL of the same draws
 * @param step              training step of the model
 */
public record ClassifierMaps(int dim, double[] bounds, int nx, int ny, double @Nullable [] modelLogDensity,
                             double[] exactLogDensity, int bins, double @Nullable [] confusion, double accuracy,
                             double exactAccuracy, double nll, double floorNll,
                             double exactNll, int step) {
}
