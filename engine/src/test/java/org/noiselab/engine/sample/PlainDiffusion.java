package org.noiselab.engine.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.toys.GaussianMixture;

/**
 * Plain re-implementations of every sampler, written from the papers for the step-by-step tests: double precision,
 * scalar loops, and no engine code but the model under test (called through {@link Eps}). The schedule, the respacing,
 * the noise stream and every update are recomputed here, so a sampler whose path is wrong cannot agree with these by
 * construction. Conventions are the engine's documented ones (the Karras grid between the schedule's extreme sigmas,
 * the batch-averaged Langevin step size); the exact denoiser is the toy's closed form from the toy-datasets module,
 * which the engine's oracle also calls (in float).
 */
final class PlainDiffusion {

    private PlainDiffusion() {
    }

    /** A noise predictor at one log-SNR for n rows. */
    interface Eps {
        double[] at(double[] x, int n, double logSnr);
    }

    /** The model under test, called as the engine calls it (float inputs, float log-SNR). */
    static Eps model(Denoiser denoiser, int[] labels) {
        return (x, n, lambda) -> {
            float[] in = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                in[i] = (float) x[i];
            }
            float[] l = new float[n];
            java.util.Arrays.fill(l, (float) lambda);
            float[] out = new float[x.length];
            denoiser.predictEps(in, l, labels, n, out);
            double[] eps = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                eps[i] = out[i];
            }
            return eps;
        };
    }

    /** The exact denoiser {@code E[eps | x_t]} of a mixture, in double, from the toy's closed form. */
    static Eps exact(GaussianMixture mixture) {
        return (x, n, lambda) -> mixture.epsPosteriorMean(x, n, sigmoid(lambda));
    }

    /** Classifier-free guidance from two separate predictions: {@code (1 + w) eps_c - w eps_null}. */
    static Eps guided(Eps conditional, Eps unconditional, double w) {
        return (x, n, lambda) -> {
            double[] c = conditional.at(x, n, lambda);
            double[] u = unconditional.at(x, n, lambda);
            double[] out = new double[c.length];
            for (int i = 0; i < c.length; i++) {
                out[i] = (1 + w) * c[i] - w * u[i];
            }
            return out;
        };
    }

    /** {@code abar_t}, t = 0..T, of linear betas 1e-4..0.02 (Ho et al. 2020). */
    static double[] linearAlphaBar(int steps) {
        double[] a = new double[steps + 1];
        a[0] = 1;
        for (int t = 1; t <= steps; t++) {
            double beta = 1e-4 + (0.02 - 1e-4) * (t - 1) / (steps - 1.0);
            a[t] = a[t - 1] * (1 - beta);
        }
        return a;
    }

    /** {@code tau_i = round(i T / K)}, i = 0..K. */
    static int[] respaced(int steps, int k) {
        int[] tau = new int[k + 1];
        for (int i = 1; i <= k; i++) {
            tau[i] = (int) Math.round((double) i * steps / k);
        }
        return tau;
    }

    static double logit(double a) {
        return Math.log(a / (1 - a));
    }

    static double sigmoid(double l) {
        return 1 / (1 + Math.exp(-l));
    }

    static double[] gaussians(SplittableRandom rng, int size) {
        double[] g = new double[size];
        for (int i = 0; i < size; i++) {
            g[i] = rng.nextGaussian();
        }
        return g;
    }

    /** The states x_T, then after each of the K steps: Ho et al. 2020, Algorithm 2, on the respaced levels. */
    static List<double[]> ddpm(Eps f, double[] abar, int k, int n, int dim, long seed) {
        return ddim(f, abar, k, n, dim, seed, -1);
    }

    /**
     * DDIM (Song et al. 2021, eq. 12) with {@code eta}; {@code eta < 0} is DDPM's ancestral step, written as Ho et al.
     * write it (posterior mean and variance), not through the DDIM formula.
     */
    static List<double[]> ddim(Eps f, double[] abar, int k, int n, int dim, long seed, double eta) {
        int[] tau = respaced(abar.length - 1, k);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = gaussians(rng, n * dim);
        List<double[]> path = new ArrayList<>();
        path.add(x.clone());
        for (int i = k; i >= 1; i--) {
            double a = abar[tau[i]];
            double ap = abar[tau[i - 1]];
            double[] e = f.at(x, n, logit(a));
            if (eta < 0) {
                double alpha = a / ap;
                double beta = 1 - alpha;
                double var = (1 - ap) / (1 - a) * beta;
                for (int j = 0; j < x.length; j++) {
                    double mean = (x[j] - beta / Math.sqrt(1 - a) * e[j]) / Math.sqrt(alpha);
                    x[j] = var > 0 ? mean + Math.sqrt(var) * rng.nextGaussian() : mean;
                }
            } else {
                double s = eta * Math.sqrt((1 - ap) / (1 - a)) * Math.sqrt(1 - a / ap);
                for (int j = 0; j < x.length; j++) {
                    double x0 = (x[j] - Math.sqrt(1 - a) * e[j]) / Math.sqrt(a);
                    double next = Math.sqrt(ap) * x0 + Math.sqrt(Math.max(0, 1 - ap - s * s)) * e[j];
                    x[j] = s > 0 ? next + s * rng.nextGaussian() : next;
                }
            }
            path.add(x.clone());
        }
        return path;
    }

    /**
     * DPM-Solver-2 (Lu et al. 2022, Algorithm 1, r = 1/2) in its own variables: alpha_t = sqrt(abar), sigma_t =
     * sqrt(1 - abar), half log-SNR l = log(alpha / sigma); the last step to clean data is x0_hat.
     */
    static List<double[]> dpmSolver2(Eps f, double[] abar, int k, int n, int dim, long seed) {
        int[] tau = respaced(abar.length - 1, k);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = gaussians(rng, n * dim);
        List<double[]> path = new ArrayList<>();
        path.add(x.clone());
        for (int i = k; i >= 2; i--) {
            double at = Math.sqrt(abar[tau[i]]);
            double st = Math.sqrt(1 - abar[tau[i]]);
            double an = Math.sqrt(abar[tau[i - 1]]);
            double sn = Math.sqrt(1 - abar[tau[i - 1]]);
            double lt = Math.log(at / st);
            double h = Math.log(an / sn) - lt;
            double lm = lt + h / 2;
            double am = Math.sqrt(sigmoid(2 * lm));
            double sm = Math.sqrt(sigmoid(-2 * lm));
            double[] e = f.at(x, n, 2 * lt);
            double[] u = new double[x.length];
            for (int j = 0; j < x.length; j++) {
                u[j] = am / at * x[j] - sm * (Math.exp(h / 2) - 1) * e[j];
            }
            double[] em = f.at(u, n, 2 * lm);
            for (int j = 0; j < x.length; j++) {
                x[j] = an / at * x[j] - sn * (Math.exp(h) - 1) * em[j];
            }
            path.add(x.clone());
        }
        path.add(tweedie(f, x, n, abar[tau[1]]));
        return path;
    }

    /**
     * The probability-flow ODE in Karras et al.'s variables (2022, Algorithm 1, deterministic): {@code y = x /
     * sqrt(abar)}, {@code dy/dsigma = eps(y / sqrt(1 + sigma^2))}, on the rho = 7 grid between the schedule's extreme
     * sigmas, then 0; Heun's correction except on the last step, or Euler throughout.
     */
    static List<double[]> karras(Eps f, double[] abar, int k, int n, int dim, long seed, boolean heun) {
        int steps = abar.length - 1;
        double max = Math.sqrt((1 - abar[steps]) / abar[steps]);
        double min = Math.sqrt((1 - abar[1]) / abar[1]);
        double[] sigma = new double[k + 1];
        for (int i = 0; i < k; i++) {
            double frac = k == 1 ? 0 : (double) i / (k - 1);
            sigma[i] = Math.pow(Math.pow(max, 1 / 7.0) + frac * (Math.pow(min, 1 / 7.0) - Math.pow(max, 1 / 7.0)), 7);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = gaussians(rng, n * dim);
        List<double[]> path = new ArrayList<>();
        path.add(x.clone());
        double[] y = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            y[j] = x[j] * Math.sqrt(1 + sigma[0] * sigma[0]);
        }
        for (int i = 0; i < k; i++) {
            double s = sigma[i];
            double next = sigma[i + 1];
            double[] d = f.at(scaled(y, s), n, -2 * Math.log(s));
            double[] trial = new double[y.length];
            for (int j = 0; j < y.length; j++) {
                trial[j] = y[j] + (next - s) * d[j];
            }
            if (heun && next > 0) {
                double[] d2 = f.at(scaled(trial, next), n, -2 * Math.log(next));
                for (int j = 0; j < y.length; j++) {
                    trial[j] = y[j] + (next - s) * (d[j] + d2[j]) / 2;
                }
            }
            y = trial;
            path.add(scaled(y, next));
        }
        return path;
    }

    private static double[] scaled(double[] y, double sigma) {
        double[] x = new double[y.length];
        for (int j = 0; j < y.length; j++) {
            x[j] = y[j] / Math.sqrt(1 + sigma * sigma);
        }
        return x;
    }

    /**
     * Annealed Langevin dynamics (Song and Ermon 2019, Algorithm 1) with the step size from the signal-to-noise ratio
     * (Song et al. 2021, Algorithm 4, norms averaged over the batch): the states after each level but the last, then
     * after the final Tweedie step.
     */
    static List<double[]> langevin(Eps f, double[] abar, int k, int perLevel, double snr, int n, int dim, long seed) {
        int[] tau = respaced(abar.length - 1, k);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = gaussians(rng, n * dim);
        List<double[]> path = new ArrayList<>();
        path.add(x.clone());
        for (int i = k; i >= 1; i--) {
            double sigma = Math.sqrt(1 - abar[tau[i]]);
            for (int m = 0; m < perLevel; m++) {
                double[] e = f.at(x, n, logit(abar[tau[i]]));
                double[] z = gaussians(rng, x.length);
                double scoreNorm = 0;
                double noiseNorm = 0;
                for (int r = 0; r < n; r++) {
                    double se = 0;
                    double sz = 0;
                    for (int c = 0; c < dim; c++) {
                        se += e[r * dim + c] * e[r * dim + c] / (sigma * sigma);
                        sz += z[r * dim + c] * z[r * dim + c];
                    }
                    scoreNorm += Math.sqrt(se) / n;
                    noiseNorm += Math.sqrt(sz) / n;
                }
                double step = 2 * Math.pow(snr * noiseNorm / scoreNorm, 2);
                for (int j = 0; j < x.length; j++) {
                    double score = -e[j] / sigma;
                    x[j] += step * score + Math.sqrt(2 * step) * z[j];
                }
            }
            if (i > 1) {
                path.add(x.clone());
            }
        }
        path.add(tweedie(f, x, n, abar[tau[1]]));
        return path;
    }

    /** The clean estimate {@code x0_hat = (x - sqrt(1 - a) eps_hat) / sqrt(a)} (Tweedie's formula), in place. */
    private static double[] tweedie(Eps f, double[] x, int n, double a) {
        double[] e = f.at(x, n, logit(a));
        for (int j = 0; j < x.length; j++) {
            x[j] = (x[j] - Math.sqrt(1 - a) * e[j]) / Math.sqrt(a);
        }
        return x.clone();
    }

    /** Largest difference between two paths, each state's difference relative to {@code max(1, |reference|)}. */
    static double maxRelativeDifference(List<float[]> engine, List<double[]> reference) {
        if (engine.size() != reference.size()) {
            throw new AssertionError("path lengths differ: engine " + engine.size() + ", reference " + reference.size());
        }
        double worst = 0;
        for (int s = 0; s < engine.size(); s++) {
            float[] e = engine.get(s);
            double[] r = reference.get(s);
            if (e.length != r.length) {
                throw new AssertionError("state " + s + " has " + e.length + " values, reference " + r.length);
            }
            for (int i = 0; i < e.length; i++) {
                double d = Math.abs(e[i] - r[i]) / Math.max(1, Math.abs(r[i]));
                worst = Math.max(worst, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
            }
        }
        return worst;
    }
}
