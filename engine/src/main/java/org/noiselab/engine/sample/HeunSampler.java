package org.noiselab.engine.sample;

import org.noiselab.engine.schedule.NoiseSchedule;

/**
 * The probability-flow ODE solved with Heun's second-order method on the sigma grid of Karras et al. (2022,
 * Algorithm 1, deterministic). In the variance-exploding variable {@code y = x / sqrt(abar)} with
 * {@code sigma = sqrt((1 - abar) / abar)} the ODE is {@code dy/dsigma = eps_hat(y / sqrt(1 + sigma^2), lambda)},
 * {@code lambda = -2 log sigma}. The grid is {@code sigma_i = (smax^(1/rho) + i/(K-1) (smin^(1/rho) -
 * smax^(1/rho)))^rho}, {@code rho = 7}, between the schedule's largest and smallest noise levels, then 0; the last
 * step (to sigma = 0) is an Euler step. Model calls: {@code 2K - 1}. With {@code secondOrder = false} the same loop is
 * Euler's method ({@code K} calls), the baseline Heun is measured against.
 */
final class HeunSampler implements Sampler {

    static final double RHO = 7;

    private final SamplerSpec spec;
    private final boolean secondOrder;

    HeunSampler(SamplerSpec spec, boolean secondOrder) {
        this.spec = spec;
        this.secondOrder = secondOrder;
    }

    @Override
    public SamplerSpec spec() {
        return spec;
    }

    /** The Karras sigma grid of K levels from the schedule's extremes, followed by 0. */
    static double[] sigmaGrid(NoiseSchedule schedule, int k) {
        double max = veSigma(schedule.alphaBar(schedule.steps()));
        double min = veSigma(schedule.alphaBar(1));
        double[] sigma = new double[k + 1];
        double hi = Math.pow(max, 1 / RHO);
        double lo = Math.pow(min, 1 / RHO);
        for (int i = 0; i < k; i++) {
            double frac = k == 1 ? 0 : (double) i / (k - 1);
            sigma[i] = Math.pow(hi + frac * (lo - hi), RHO);
        }
        sigma[k] = 0;
        return sigma;
    }

    private static double veSigma(double alphaBar) {
        return Math.sqrt((1 - alphaBar) / alphaBar);
    }

    @Override
    public SampleResult sample(DiffusionProblem problem, SamplingRequest request, SamplingListener listener) {
        int k = spec.steps();
        double[] sigma = sigmaGrid(problem.schedule(), k);
        SamplerRun run = new SamplerRun(problem, request, listener);
        int size = run.x.length;
        double[] y = new double[size];
        double[] slope = new double[size];
        float[] probe = new float[size];
        double scale0 = Math.sqrt(1 + sigma[0] * sigma[0]);
        for (int j = 0; j < size; j++) {
            y[j] = run.x[j] * scale0;
        }
        run.start(k, 1 / (1 + sigma[0] * sigma[0]));
        for (int i = 0; i < k; i++) {
            double s = sigma[i];
            double next = sigma[i + 1];
            evaluate(run, y, s, probe);
            for (int j = 0; j < size; j++) {
                slope[j] = run.eps[j];
            }
            if (next > 0 && secondOrder) {
                double scale = 1 / Math.sqrt(1 + next * next);
                for (int j = 0; j < size; j++) {
                    probe[j] = (float) ((y[j] + (next - s) * slope[j]) * scale);
                }
                run.predict(probe, -2 * Math.log(next));
                for (int j = 0; j < size; j++) {
                    y[j] += (next - s) * 0.5 * (slope[j] + run.eps[j]);
                }
            } else {
                for (int j = 0; j < size; j++) {
                    y[j] += (next - s) * slope[j];
                }
            }
            double scale = 1 / Math.sqrt(1 + next * next);
            for (int j = 0; j < size; j++) {
                run.x[j] = (float) (y[j] * scale);
            }
            run.publish(i + 1, k, 1 / (1 + next * next));
        }
        return run.result();
    }

    private static void evaluate(SamplerRun run, double[] y, double sigma, float[] probe) {
        double scale = 1 / Math.sqrt(1 + sigma * sigma);
        for (int j = 0; j < y.length; j++) {
            probe[j] = (float) (y[j] * scale);
        }
        run.predict(probe, -2 * Math.log(sigma));
    }
}
