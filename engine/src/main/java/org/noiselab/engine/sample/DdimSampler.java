package org.noiselab.engine.sample;

import org.noiselab.engine.schedule.NoiseSchedule;

/**
 * DDPM ancestral sampling and DDIM in one update rule (Song, Meng, Ermon 2021, eq. 12): from {@code abar} to the
 * previous level {@code abar'},
 * <pre>
 *   x0_hat = (x - sqrt(1 - abar) eps_hat) / sqrt(abar)
 *   x'     = sqrt(abar') x0_hat + sqrt(1 - abar' - s^2) eps_hat + s z,
 *   s      = eta sqrt((1 - abar') / (1 - abar)) sqrt(1 - abar / abar').
 * </pre>
 * With {@code eta = 1}, {@code s^2} is the DDPM posterior variance and the update equals {@link DdpmSampler}'s
 * (a test holds the two formulas to each other). The last step goes to {@code abar' = 1} and returns {@code x0_hat}.
 */
final class DdimSampler implements Sampler {

    private final SamplerSpec spec;
    private final double eta;

    DdimSampler(SamplerSpec spec, double eta) {
        this.spec = spec;
        this.eta = eta;
    }

    @Override
    public SamplerSpec spec() {
        return spec;
    }

    @Override
    public SampleResult sample(DiffusionProblem problem, SamplingRequest request, SamplingListener listener) {
        return RespacedLoop.sample(problem, request, listener, spec.steps(), this::step);
    }

    private double step(SamplerRun run, NoiseSchedule schedule, int from, int to) {
        double abar = schedule.alphaBar(from);
        double abarPrev = schedule.alphaBar(to);
        run.predict(run.x, schedule.logSnr(from));
        double s = eta * Math.sqrt((1 - abarPrev) / (1 - abar) * (1 - abar / abarPrev));
        double sigma = Math.sqrt(1 - abar);
        double invSqrtAbar = 1 / Math.sqrt(abar);
        double sqrtAbarPrev = Math.sqrt(abarPrev);
        double direction = Math.sqrt(Math.max(0, 1 - abarPrev - s * s));
        float[] x = run.x;
        float[] eps = run.eps;
        for (int i = 0; i < x.length; i++) {
            double x0 = (x[i] - sigma * eps[i]) * invSqrtAbar;
            double next = sqrtAbarPrev * x0 + direction * eps[i];
            if (s > 0) {
                next += s * run.gaussian();
            }
            x[i] = (float) next;
        }
        return abarPrev;
    }
}
