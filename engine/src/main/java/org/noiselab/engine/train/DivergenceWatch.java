package org.noiselab.engine.train;

/**
 * Applies a {@link DivergenceRule} to a run's losses, one step at a time: the running minimum of the
 * {@value DivergenceRule#MEAN_WINDOW}-step moving mean and the current streak of steps above the rule's multiple of it.
 */
final class DivergenceWatch {

    private final DivergenceRule rule;
    private final double[] window = new double[DivergenceRule.MEAN_WINDOW];
    private int seen;
    private double runningMinimum = Double.POSITIVE_INFINITY;
    private int streak;

    DivergenceWatch(DivergenceRule rule, float[] history) {
        this.rule = rule;
        for (float loss : history) {
            observe(loss);
        }
    }

    /**
     * Judges a step's loss against the minimum reached before it, then folds the loss in; returns whether the rule has
     * now tripped.
     */
    boolean observe(double loss) {
        streak = rule.active() && above(loss) ? streak + 1 : 0;
        window[seen % window.length] = loss;
        seen++;
        int filled = Math.min(seen, window.length);
        double sum = 0;
        for (int i = 0; i < filled; i++) {
            sum += window[i];
        }
        runningMinimum = Math.min(runningMinimum, sum / filled);
        return rule.active() && streak >= rule.steps();
    }

    /** Whether this loss lies above the rule's multiple of the running minimum reached so far. */
    boolean above(double loss) {
        return runningMinimum > 0 && loss > rule.factor() * runningMinimum;
    }

    /** Consecutive steps above the multiple, ending with the last one observed. */
    int streak() {
        return streak;
    }

    double runningMinimum() {
        return runningMinimum;
    }

    DivergenceRule rule() {
        return rule;
    }
}
