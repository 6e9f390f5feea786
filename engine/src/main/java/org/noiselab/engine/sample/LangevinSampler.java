package org.noiselab.engine.sample;

import org.noiselab.engine.schedule.NoiseSchedule;

/**
 * Annealed Langevin dynamics (Song and Ermon 2019, Algorithm 1) on the variance-preserving marginals: for each level
 * {@code t} of the respaced schedule, from noisiest to cleanest, {@code M} steps of
 * <pre>
 *   x <- x + e s_t(x) + sqrt(2 e) z,   s_t = -eps_hat / sqrt(1 - abar_t),   e = 2 (r ||z|| / ||s_t||)^2,
 * </pre>
 * where the step size {@code e} comes from the signal-to-noise ratio {@code r} of the update (the corrector of Song
 * et al. 2021, Algorithm 4, with per-sample norms averaged over the batch; their VP corrector's extra factor
 * {@code alpha_i = 1 - beta_i} is left out): it adapts to the local width of the marginal, which a
 * fixed {@code e ~ (1 - abar_t)} does not once data variance dominates. A final Tweedie step {@code x0_hat = (x -
 * sqrt(1 - abar) eps_hat) / sqrt(abar)} at the last level removes the residual noise. Model calls: {@code K M + 1}.
 */
final class LangevinSampler implements Sampler {

    private final SamplerSpec.Langevin spec;

    LangevinSampler(SamplerSpec.Langevin spec) {
        this.spec = spec;
    }

    @Override
    public SamplerSpec spec() {
        return spec;
    }

    @Override
    public SampleResult sample(DiffusionProblem problem, SamplingRequest request, SamplingListener listener) {
        NoiseSchedule schedule = problem.schedule();
        int[] tau = SamplerRun.respacedSteps(schedule.steps(), spec.steps());
        SamplerRun run = new SamplerRun(problem, request, listener);
        int k = spec.steps();
        float[] x = run.x;
        float[] z = new float[x.length];
        run.start(k, schedule.alphaBar(tau[k]));
        for (int i = k; i >= 1; i--) {
            double abar = schedule.alphaBar(tau[i]);
            double sigma = Math.sqrt(1 - abar);
            for (int m = 0; m < spec.stepsPerLevel(); m++) {
                run.predict(x, schedule.logSnr(tau[i]));
                run.fillGaussian(z);
                double ratio = spec.snr() * meanRowNorm(z, run.n, run.dim) / (meanRowNorm(run.eps, run.n, run.dim) / sigma);
                double e = 2 * ratio * ratio;
                double drift = -e / sigma;
                double noise = Math.sqrt(2 * e);
                for (int j = 0; j < x.length; j++) {
                    x[j] = (float) (x[j] + drift * run.eps[j] + noise * z[j]);
                }
            }
            if (i > 1) {
                run.publish(k - i + 1, k, abar);
            }
        }
        double abar = schedule.alphaBar(tau[1]);
        run.predict(x, schedule.logSnr(tau[1]));
        double sigma = Math.sqrt(1 - abar);
        double invSqrtAbar = 1 / Math.sqrt(abar);
        for (int j = 0; j < x.length; j++) {
            x[j] = (float) ((x[j] - sigma * run.eps[j]) * invSqrtAbar);
        }
        run.publish(k, k, 1.0);
        return run.result();
    }

    private static double meanRowNorm(float[] v, int n, int dim) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int j = 0; j < dim; j++) {
                sq += (double) v[i * dim + j] * v[i * dim + j];
            }
            total += Math.sqrt(sq);
        }
        return Math.max(total / n, 1e-12);
    }
}
