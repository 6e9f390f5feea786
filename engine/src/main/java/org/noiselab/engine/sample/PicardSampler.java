package org.noiselab.engine.sample;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.schedule.NoiseSchedule;

/**
 * Parallel sampling by Picard iteration (ParaDiGMS, Shih et al. 2023). The sequential sampler's K steps
 * {@code x_{j+1} = x_j + d(x_j, t_j) + xi_j} (deterministic drift {@code d(x, t) = mu(x, t) - x}, pre-drawn noise
 * {@code xi_j}) are solved as a fixed point over all K + 1 states at once. All states start at {@code x_T}; one
 * iteration (a sweep) evaluates the model once, batched, on the window's slots {@code [b, e)} of the current
 * trajectory {@code x^old}, and replaces
 * <pre>
 *   x_{j+1} <- x_b + sum_{i=b}^{j} (d(x^old_i, t_i) + xi_i)       for j in [b, e).
 * </pre>
 * Every drift of a sweep reads the trajectory as it was before the sweep, the states the model was evaluated on
 * (never a state the same sweep has already replaced): with a window over all K steps, iterate k is the Picard map
 * applied k times.
 *
 * <p>Tolerance rule, after each sweep: the new state of slot {@code j + 1} has converged for one sample when
 * {@code ||x_{j+1} - x^old_{j+1}||^2 / D <= tau^2 sigma_{j+1}^2} (the squared tolerance times the posterior variance
 * {@code beta~} of the DDPM step leaving slot {@code j + 1}, the mean over the D dimensions of the squared change);
 * the final slot K never converges by this test. The batch is judged jointly: a slot has converged only when it has
 * for every sample. With {@code s} the first slot of the window whose new state has not converged, the window starts
 * at that state next, {@code b <- b + s + 1}: it is final, being computed from converged predecessors (past the whole
 * window when every slot has converged). That is at least one slot, so a run needs at most K iterations and ends
 * exactly at the sequential result, because slot {@code b + 1} is computed from the final {@code x_b}. The window end follows, {@code e <- min(b + W, K)}, and slots it newly exposes
 * start at the state of the old window end. The noise is drawn from the same seeded stream, in the same order, as
 * {@link DdpmSampler}. Every iteration is published: the final slot (for MMD per iteration) and, for a few tracked
 * samples, every slot (the trajectories the app draws).
 */
public final class PicardSampler {

    private final PicardSpec spec;

    public PicardSampler(PicardSpec spec) {
        this.spec = spec;
    }

    public PicardSpec spec() {
        return spec;
    }

    /**
     * Runs Picard iteration.
     *
     * @param tracked sample indices whose full trajectories are published every iteration
     */
    public SampleResult sample(DiffusionProblem problem, SamplingRequest request, int[] tracked,
                               PicardListener listener) {
        Denoiser model = problem.denoiser();
        NoiseSchedule schedule = problem.schedule();
        int k = spec.steps();
        int[] tau = SamplerRun.respacedSteps(schedule.steps(), k);
        int n = request.n();
        int dim = model.dim();
        int size = n * dim;
        Steps steps = new Steps(schedule, tau, spec.drift());
        float[][] x = new float[k + 1][size];
        float[][] noise = new float[k][];
        SplittableRandom rng = new SplittableRandom(request.seed());
        for (int i = 0; i < size; i++) {
            x[0][i] = (float) rng.nextGaussian();
        }
        for (int j = 0; j < k; j++) {
            if (steps.noiseStd[j] > 0) {
                noise[j] = new float[size];
                for (int i = 0; i < size; i++) {
                    noise[j][i] = (float) (steps.noiseStd[j] * rng.nextGaussian());
                }
            }
        }
        for (int j = 1; j <= k; j++) {
            System.arraycopy(x[0], 0, x[j], 0, size);
        }
        int window = spec.effectiveWindow();
        int begin = 0;
        int end = Math.min(window, k);
        long evaluations = 0;
        int iteration = 0;
        double tol2 = spec.tolerance() * spec.tolerance();
        float[] eps = new float[0];
        float[] lambda = new float[0];
        int[] labels = request.labels();
        while (begin < k) {
            if (listener.cancelled()) {
                throw new SamplingCancelledException(iteration);
            }
            int slots = end - begin;
            int rows = slots * n;
            if (eps.length < rows * dim) {
                eps = new float[rows * dim];
                lambda = new float[rows];
            }
            float[] input = new float[rows * dim];
            int[] rowLabels = labels == null ? null : new int[rows];
            for (int s = 0; s < slots; s++) {
                System.arraycopy(x[begin + s], 0, input, s * size, size);
                Arrays.fill(lambda, s * n, (s + 1) * n, (float) steps.logSnr[begin + s]);
                if (rowLabels != null) {
                    System.arraycopy(labels, 0, rowLabels, s * n, n);
                }
            }
            model.predictEps(input, lambda, rowLabels, rows, eps);
            evaluations += slots;
            iteration++;
            double[] running = new double[size];
            for (int i = 0; i < size; i++) {
                running[i] = x[begin][i];
            }
            int firstUnconverged = -1;
            double maxResidual = 0;
            for (int s = 0; s < slots; s++) {
                int j = begin + s;
                float[] next = x[j + 1];
                boolean lastSlot = j + 1 == k;
                double threshold = lastSlot ? -1 : tol2 * steps.toleranceVar[j + 1];
                boolean converged = true;
                for (int sample = 0; sample < n; sample++) {
                    double change = 0;
                    for (int c = 0; c < dim; c++) {
                        int i = sample * dim + c;
                        double drift = steps.drift(j, input[s * size + i], eps[s * size + i]);
                        running[i] += drift + (noise[j] == null ? 0 : noise[j][i]);
                        double d = running[i] - next[i];
                        change += d * d;
                        next[i] = (float) running[i];
                    }
                    double msd = change / dim;
                    maxResidual = Math.max(maxResidual, Math.sqrt(msd));
                    if (!(msd <= threshold)) {
                        converged = false;
                    }
                }
                if (!converged && firstUnconverged < 0) {
                    firstUnconverged = s;
                }
            }
            int advance = firstUnconverged < 0 ? slots : Math.max(1, Math.min(slots, firstUnconverged + 1));
            int oldEnd = end;
            begin += advance;
            end = Math.min(begin + window, k);
            for (int j = oldEnd + 1; j <= end; j++) {
                System.arraycopy(x[oldEnd], 0, x[j], 0, size);
            }
            listener.onIteration(new PicardIteration(iteration, begin - advance, begin, evaluations, maxResidual,
                    x[k].clone(), trajectories(x, tracked, dim)));
        }
        return new SampleResult(x[k].clone(), n, dim, (int) Math.min(Integer.MAX_VALUE, evaluations));
    }

    private static float[][] trajectories(float[][] x, int[] tracked, int dim) {
        float[][] out = new float[tracked.length][x.length * dim];
        for (int t = 0; t < tracked.length; t++) {
            for (int j = 0; j < x.length; j++) {
                System.arraycopy(x[j], tracked[t] * dim, out[t], j * dim, dim);
            }
        }
        return out;
    }

    /** The per-step coefficients of the drift, noise and tolerance. */
    private static final class Steps {
        final double[] logSnr;
        final double[] noiseStd;
        final double[] toleranceVar;
        private final double[] a;
        private final double[] b;
        private final PicardSpec.Drift drift;

        Steps(NoiseSchedule schedule, int[] tau, PicardSpec.Drift drift) {
            int k = tau.length - 1;
            this.drift = drift;
            logSnr = new double[k];
            noiseStd = new double[k];
            toleranceVar = new double[k];
            a = new double[k];
            b = new double[k];
            for (int j = 0; j < k; j++) {
                int i = k - j;
                double abar = schedule.alphaBar(tau[i]);
                double abarPrev = schedule.alphaBar(tau[i - 1]);
                double alpha = abar / abarPrev;
                double beta = 1 - alpha;
                logSnr[j] = schedule.logSnr(tau[i]);
                double posterior = (1 - abarPrev) / (1 - abar) * beta;
                toleranceVar[j] = posterior;
                if (drift == PicardSpec.Drift.DDPM) {
                    noiseStd[j] = Math.sqrt(posterior);
                    // mean = (x - beta / sqrt(1 - abar) eps) / sqrt(alpha)
                    a[j] = 1 / Math.sqrt(alpha);
                    b[j] = -beta / Math.sqrt(1 - abar) / Math.sqrt(alpha);
                } else {
                    // x' = sqrt(abar') (x - sqrt(1 - abar) eps) / sqrt(abar) + sqrt(1 - abar') eps
                    a[j] = Math.sqrt(abarPrev / abar);
                    b[j] = Math.sqrt(1 - abarPrev) - Math.sqrt(abarPrev / abar) * Math.sqrt(1 - abar);
                }
            }
        }

        /** The deterministic change {@code mean(x) - x} of step j. */
        double drift(int j, double x, double eps) {
            return a[j] * x + b[j] * eps - x;
        }
    }
}
