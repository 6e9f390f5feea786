package org.noiselab.engine.sample;

/**
 * One Picard iteration, published to the listener (an immutable copy).
 *
 * @param iteration     1-based iteration
 * @param windowStart   first slot of the window this iteration updated
 * @param converged     slots now final (the window start after this iteration)
 * @param evaluations   model evaluations per sample so far (slot evaluations)
 * @param maxResidual   largest root-mean-square change of a slot of a sample in this iteration
 * @param finalState    the current state of the last slot, {@code n * dim} values
 * @param trajectories  for each tracked sample, all {@code K + 1} slots: {@code [tracked][(K + 1) * dim]}
 */
public record PicardIteration(int iteration, int windowStart, int converged, long evaluations, double maxResidual,
                              float[] finalState, float[][] trajectories) {
}
