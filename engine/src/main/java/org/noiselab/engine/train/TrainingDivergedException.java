package org.noiselab.engine.train;

/**
 * The loss or the gradient became NaN or infinite. The step's update was not applied, so the model still holds the
 * last good weights.
 */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int step;

    public TrainingDivergedException(int step, String what, double value) {
        super("training diverged at step " + step + ": " + what + " is " + value
                + "; the last good weights are kept. Try a lower learning rate or a smaller gradient clip norm.");
        this.step = step;
    }

    /** The step whose update was refused. */
    public int step() {
        return step;
    }
}
