package org.noiselab.engine.data;

import org.jspecify.annotations.Nullable;

/**
 * Clean training points for one step.
 *
 * @param x0     row-major, {@code n * dim}
 * @param labels class per row, or {@code null} for unlabelled data
 * @param n      rows
 * @param dim    dimension
 */
public record TrainingBatch(float[] x0, int @Nullable [] labels, int n, int dim) {
}
