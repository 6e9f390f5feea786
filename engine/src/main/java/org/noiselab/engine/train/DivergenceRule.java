package org.noiselab.engine.train;

import org.noiselab.engine.InvalidConfigException;

/**
 * When a run counts as diverged although its values are finite: its loss stays above {@code factor} times its
 * running minimum for {@code steps} consecutive steps. The running minimum is the lowest {@value #MEAN_WINDOW}-step
 * moving mean of the loss the run has reached (over the steps so far while fewer have run), so that one lucky batch
 * does not set it; the streak of {@code steps} steps means one unlucky batch does not trip it. A non-finite loss or
 * gradient always counts. The run then keeps the weights of the last snapshot taken before the streak began (one is
 * taken every {@code steps} steps while the loss is within the rule).
 *
 * <p>A loss that is not positive never trips the multiple. With a batch of a few points the single-step loss is
 * noisy; a larger factor suits it.
 *
 * @param factor how many times the running minimum the loss must exceed, &gt; 1
 * @param steps  consecutive steps above it that make a divergence; 0 turns the rule off (only non-finite values count)
 */
public record DivergenceRule(double factor, int steps) {

    /** Steps of the moving mean whose running minimum is the reference. */
    public static final int MEAN_WINDOW = 10;
    /** The largest streak length accepted. */
    public static final int MAX_STEPS = 1_000_000;
    /** The default multiple of the running minimum. */
    public static final double DEFAULT_FACTOR = 10;
    /** The default number of consecutive steps above it. */
    public static final int DEFAULT_STEPS = 100;
    /** The default: ten times the running minimum for 100 consecutive steps. */
    public static final DivergenceRule DEFAULT = new DivergenceRule(DEFAULT_FACTOR, DEFAULT_STEPS);
    /** Only non-finite values count. */
    public static final DivergenceRule NON_FINITE_ONLY = new DivergenceRule(DEFAULT_FACTOR, 0);

    public DivergenceRule {
        if (!(factor > 1) || !Double.isFinite(factor)) {
            throw new InvalidConfigException("--diverge-factor", factor, "must be a finite number above 1");
        }
        if (steps < 0 || steps > MAX_STEPS) {
            throw new InvalidConfigException("--diverge-steps", steps, "must lie in 0.." + MAX_STEPS
                    + " (0 = only non-finite values)");
        }
    }

    /** Whether the multiple of the running minimum is checked at all. */
    public boolean active() {
        return steps > 0;
    }
}
