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
        float[] z = new float[request.n() * problem.denoiser().dim()];
        return RespacedLoop.sample(problem, request, listener, spec.steps(), (run, schedule, from, to) -> {
            correct(run, schedule, from, z);
            return to == 0 ? RespacedLoop.toCleanData(run, schedule, from) : schedule.alphaBar(from);
        });
    }

    /** The {@code M} corrector steps at training step {@code t}. */
    private void correct(SamplerRun run, NoiseSchedule schedule, int t, float[] z) {
        double sigma = Math.sqrt(1 - schedule.alphaBar(t));
        float[] x = run.x;
        for (int m = 0; m < spec.stepsPerLevel(); m++) {
            run.predict(x, schedule.logSnr(t));
            run.fillGaussian(z);
            double ratio = spec.snr() * meanRowNorm(z, run.n, run.dim) / (meanRowNorm(run.eps, run.n, run.dim) / sigma);
            double e = 2 * ratio * ratio;
            double drift = -e / sigma;
            double noise = Math.sqrt(2 * e);
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) (x[j] + drift * run.eps[j] + noise * z[j]);
            }
        }
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
