package org.noiselab.engine.train;

/**
 * The resumable state of a run: weights, EMA weights, AdamW moments, step and loss history. Arrays are owned copies.
 *
 * @param step          steps completed
 * @param parameters    current weights
 * @param emaParameters averaged weights (used for sampling)
 * @param firstMoment   AdamW first moments
 * @param secondMoment  AdamW second moments
 * @param lossHistory   loss of each step so far
 */
public record TrainingState(int step, float[] parameters, float[] emaParameters, float[] firstMoment,
                            float[] secondMoment, float[] lossHistory) {

    public TrainingState {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0");
        }
        int p = parameters.length;
        if (emaParameters.length != p || firstMoment.length != p || secondMoment.length != p) {
            throw new IllegalArgumentException("parameter, EMA and moment vectors must have equal lengths");
        }
        if (lossHistory.length != step) {
            throw new IllegalArgumentException("loss history has " + lossHistory.length + " entries for " + step
                    + " steps");
        }
    }
}
