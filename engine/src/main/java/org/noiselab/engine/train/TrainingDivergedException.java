package org.noiselab.engine.train;

/**
 * The loss or the gradient became NaN or infinite, or the loss tripped the run's {@link DivergenceRule}. The step's
 * update was not applied; the run holds the last good weights, those of {@link #keptStep()}.
 */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int step;
    private final int keptStep;

    /**
     * @param step     the step whose update was refused
     * @param what     what diverged, as the start of a sentence ending in "is VALUE"
     * @param value    the offending value
     * @param keptStep the step whose weights the run holds now
     */
    public TrainingDivergedException(int step, String what, double value, int keptStep) {
        super("training diverged at step " + step + ": " + what + " is " + String.format(java.util.Locale.ROOT, "%.4g",
                value) + "; the weights of step " + keptStep + " are kept. Try a lower learning rate or a smaller"
                + " gradient clip norm.");
        this.step = step;
        this.keptStep = keptStep;
    }

    /** The step whose weights the run holds: the last good ones. */
    public int keptStep() {
        return keptStep;
    }

    /** The step whose update was refused. */
    public int step() {
        return step;
    }
}
