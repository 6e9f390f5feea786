package org.noiselab.engine.schedule;

/**
 * A discrete variance-preserving noise schedule, {@code x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps} for
 * {@code t = 1..T}, with the conventions {@code abar_0 = 1} (clean data) and, for classification models,
 * {@code abar_{T+1} = 0} (pure noise).
 *
 * <p>A schedule is a pure function of the step index: implementations precompute their tables and are immutable.
 * The log-SNR is {@code lambda_t = logit(abar_t)}, so {@code abar = sigmoid(lambda)} and {@code 1 - abar = sigmoid(-lambda)}.
 */
public interface NoiseSchedule {

    /** The number of diffusion steps T. */
    int steps();

    /** The spec this schedule was built from. */
    ScheduleSpec spec();

    /** {@code abar_t} for t in {@code 0..T+1}. */
    double alphaBar(int t);

    /** {@code beta_t = 1 - abar_t / abar_{t-1}} for t in {@code 1..T}. */
    double beta(int t);

    /** {@code lambda_t = log(abar_t / (1 - abar_t))}; {@code +inf} at t = 0 and {@code -inf} at t = T+1. */
    double logSnr(int t);

    /** The noise standard deviation {@code sqrt(1 - abar_t)}. */
    default double sigma(int t) {
        return Math.sqrt(1 - alphaBar(t));
    }

    /** The DDPM posterior variance {@code (1 - abar_{t-1}) / (1 - abar_t) beta_t} of {@code q(x_{t-1} | x_t, x_0)}. */
    double posteriorVariance(int t);

    /** Builds the schedule a spec describes. */
    static NoiseSchedule create(ScheduleSpec spec) {
        return new DiscreteNoiseSchedule(spec);
    }

    /** The default of DDPM: linear betas 1e-4 .. 0.02. */
    static NoiseSchedule linear(int steps) {
        return create(new ScheduleSpec.LinearBeta(steps, ScheduleSpec.LinearBeta.DEFAULT_BETA_START,
                ScheduleSpec.LinearBeta.DEFAULT_BETA_END));
    }

    /** Nichol and Dhariwal's cosine schedule. */
    static NoiseSchedule cosine(int steps) {
        return create(new ScheduleSpec.Cosine(steps, ScheduleSpec.Cosine.DEFAULT_OFFSET));
    }

    /** The uniform (TRE) schedule of the CDM paper. */
    static NoiseSchedule uniform(int steps) {
        return create(new ScheduleSpec.Uniform(steps));
    }

    /** {@code sigmoid(lambda)}, the signal fraction for a log-SNR. */
    static double alphaBarOfLogSnr(double logSnr) {
        return logSnr >= 0 ? 1 / (1 + Math.exp(-logSnr)) : Math.exp(logSnr) / (1 + Math.exp(logSnr));
    }

    /** {@code logit(abar)}. */
    static double logSnrOfAlphaBar(double alphaBar) {
        return Math.log(alphaBar) - Math.log1p(-alphaBar);
    }
}
