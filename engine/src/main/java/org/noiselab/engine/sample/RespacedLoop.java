package org.noiselab.engine.sample;

import org.noiselab.engine.schedule.NoiseSchedule;

/**
 * The loop every respaced sampler shares (DDPM, DDIM, DPM-Solver-2, annealed Langevin): on the evenly respaced
 * subsequence {@code tau_0 = 0 < tau_1 < ... < tau_K} of the training steps (Nichol and Dhariwal 2021), start from
 * standard normal noise at {@code tau_K}, apply the sampler's {@link Update} from {@code tau_i} to {@code tau_{i-1}}
 * for {@code i = K..1}, and publish the state after each. A sampler is defined by its update alone.
 */
final class RespacedLoop {

    /** One step of a respaced sampler. */
    @FunctionalInterface
    interface Update {
        /**
         * Moves {@code run.x} from training step {@code from} to the less noisy step {@code to} ({@code to = 0} is the
         * last step, to clean data).
         *
         * @return the noise level {@code abar} the points are at afterwards, which the step publishes
         */
        double apply(SamplerRun run, NoiseSchedule schedule, int from, int to);
    }

    private RespacedLoop() {
    }

    static SampleResult sample(DiffusionProblem problem, SamplingRequest request, SamplingListener listener, int steps,
                               Update update) {
        NoiseSchedule schedule = problem.schedule();
        int[] tau = SamplerRun.respacedSteps(schedule.steps(), steps);
        SamplerRun run = new SamplerRun(problem, request, listener);
        run.start(steps, schedule.alphaBar(tau[steps]));
        for (int i = steps; i >= 1; i--) {
            double published = update.apply(run, schedule, tau[i], tau[i - 1]);
            run.publish(steps - i + 1, steps, published);
        }
        return run.result();
    }

    /**
     * The Tweedie step to clean data at training step {@code t}: {@code x0_hat = (x - sqrt(1 - abar) eps_hat) /
     * sqrt(abar)}, the last step of the samplers whose own update does not reach {@code abar = 1}.
     *
     * @return 1, the noise level of clean data
     */
    static double toCleanData(SamplerRun run, NoiseSchedule schedule, int t) {
        double abar = schedule.alphaBar(t);
        run.predict(run.x, schedule.logSnr(t));
        double sigma = Math.sqrt(1 - abar);
        double invSqrtAbar = 1 / Math.sqrt(abar);
        float[] x = run.x;
        for (int j = 0; j < x.length; j++) {
            x[j] = (float) ((x[j] - sigma * run.eps[j]) * invSqrtAbar);
        }
        return 1.0;
    }
}
