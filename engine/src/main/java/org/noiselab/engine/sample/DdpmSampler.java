package org.noiselab.engine.sample;

import org.noiselab.engine.schedule.NoiseSchedule;

/**
 * Ancestral DDPM sampling (Ho et al. 2020, Algorithm 2) on an evenly respaced subsequence {@code tau} of the training
 * steps (Nichol and Dhariwal 2021 respacing): with {@code alpha = abar_tau / abar_tau'} and {@code beta = 1 - alpha},
 * <pre>
 *   x' = (x - beta / sqrt(1 - abar) eps_hat) / sqrt(alpha) + sqrt(beta~) z,   beta~ = (1 - abar') / (1 - abar) beta,
 * </pre>
 * the posterior mean and variance of {@code q(x_tau' | x_tau, x0_hat)}. The last step lands on {@code abar' = 1},
 * where {@code beta~ = 0} and the mean is the clean estimate {@code x0_hat}.
 */
final class DdpmSampler implements Sampler {

    private final SamplerSpec.Ddpm spec;

    DdpmSampler(SamplerSpec.Ddpm spec) {
        this.spec = spec;
    }

    @Override
    public SamplerSpec spec() {
        return spec;
    }

    @Override
    public SampleResult sample(DiffusionProblem problem, SamplingRequest request, SamplingListener listener) {
        return RespacedLoop.sample(problem, request, listener, spec.steps(), DdpmSampler::step);
    }

    private static double step(SamplerRun run, NoiseSchedule schedule, int from, int to) {
        double abar = schedule.alphaBar(from);
        double abarPrev = schedule.alphaBar(to);
        double alpha = abar / abarPrev;
        double beta = 1 - alpha;
        double noiseStd = Math.sqrt((1 - abarPrev) / (1 - abar) * beta);
        double epsCoefficient = beta / Math.sqrt(1 - abar);
        double invSqrtAlpha = 1 / Math.sqrt(alpha);
        float[] x = run.x;
        run.predict(x, schedule.logSnr(from));
        float[] eps = run.eps;
        for (int j = 0; j < x.length; j++) {
            double mean = (x[j] - epsCoefficient * eps[j]) * invSqrtAlpha;
            x[j] = (float) (noiseStd > 0 ? mean + noiseStd * run.gaussian() : mean);
        }
        return abarPrev;
    }
}
