package org.noiselab.engine.sample;

import org.noiselab.engine.schedule.NoiseSchedule;

/**
 * Singlestep second-order DPM-Solver (Lu et al. 2022, Algorithm 1, "DPM-Solver-2" with {@code r = 1/2}). With
 * {@code a = sqrt(abar)}, {@code s = sqrt(1 - abar)} and the half log-SNR {@code l = log(a / s)}, one step from level
 * {@code t} to the next, less noisy level {@code t'} with {@code h = l' - l} is
 * <pre>
 *   u  = (a_m / a) x - s_m (e^{h/2} - 1) eps_hat(x, t)            (midpoint m: l_m = l + h/2)
 *   x' = (a' / a) x - s' (e^{h} - 1) eps_hat(u, m)
 * </pre>
 * Steps run over the respaced training steps; the final step to clean data ({@code l' = inf}) is a first-order step
 * that returns {@code x0_hat}. Model calls: {@code 2 (K - 1) + 1}.
 */
final class DpmSolver2Sampler implements Sampler {

    private final SamplerSpec.DpmSolver2 spec;

    DpmSolver2Sampler(SamplerSpec.DpmSolver2 spec) {
        this.spec = spec;
    }

    @Override
    public SamplerSpec spec() {
        return spec;
    }

    @Override
    public SampleResult sample(DiffusionProblem problem, SamplingRequest request, SamplingListener listener) {
        float[] u = new float[request.n() * problem.denoiser().dim()];
        return RespacedLoop.sample(problem, request, listener, spec.steps(), (run, schedule, from, to) -> to == 0
                ? RespacedLoop.toCleanData(run, schedule, from) : secondOrderStep(run, schedule, from, to, u));
    }

    private static double secondOrderStep(SamplerRun run, NoiseSchedule schedule, int from, int to, float[] u) {
        double lambda = schedule.logSnr(from);
        double lambdaNext = schedule.logSnr(to);
        double h = (lambdaNext - lambda) / 2;
        double lambdaMid = lambda + h;
        double a = Math.sqrt(NoiseSchedule.alphaBarOfLogSnr(lambda));
        double aMid = Math.sqrt(NoiseSchedule.alphaBarOfLogSnr(lambdaMid));
        double sMid = Math.sqrt(NoiseSchedule.alphaBarOfLogSnr(-lambdaMid));
        double aNext = Math.sqrt(NoiseSchedule.alphaBarOfLogSnr(lambdaNext));
        double sNext = Math.sqrt(NoiseSchedule.alphaBarOfLogSnr(-lambdaNext));
        float[] x = run.x;
        run.predict(x, lambda);
        double midEps = sMid * Math.expm1(h / 2);
        for (int j = 0; j < x.length; j++) {
            u[j] = (float) (aMid / a * x[j] - midEps * run.eps[j]);
        }
        run.predict(u, lambdaMid);
        double nextEps = sNext * Math.expm1(h);
        for (int j = 0; j < x.length; j++) {
            x[j] = (float) (aNext / a * x[j] - nextEps * run.eps[j]);
        }
        return schedule.alphaBar(to);
    }
}
