package org.noiselab.engine.metric;

import java.util.Arrays;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.schedule.NoiseSchedule;

/**
 * A model's noise prediction and score against the exact ones over a set of points and diffusion steps: the data of
 * the score-error heatmaps (the CDL paper's figure 1 puts x on one axis and t on the other).
 *
 * <p>For each step {@code t} and point {@code x}: {@code eps_model = eps_hat(x, lambda_t)}, {@code eps_oracle =
 * E[eps | x_t = x]}, and scores {@code s = -eps / sqrt(1 - abar_t)}. Values are stored step-major:
 * {@code index(s, i, j) = (s * n + i) * dim + j}.
 *
 * @param points     the evaluation points, {@code n * dim}
 * @param n          number of points
 * @param dim        dimension
 * @param steps      the diffusion steps evaluated
 * @param alphaBars  {@code abar_t} of each step
 * @param epsModel   model predictions
 * @param epsOracle  exact predictions
 */
public record ScoreErrorGrid(float[] points, int n, int dim, int[] steps, double[] alphaBars, float[] epsModel,
                             float[] epsOracle) {

    /** Evaluates model and oracle on every point at every step (one batched call per step and model). */
    public static ScoreErrorGrid compute(Denoiser model, Denoiser oracle, NoiseSchedule schedule, float[] points,
                                         int n, int[] steps) {
        int dim = model.dim();
        if (oracle.dim() != dim) {
            throw new IllegalArgumentException("model and oracle dimensions differ: " + dim + " vs " + oracle.dim());
        }
        float[] epsModel = new float[steps.length * n * dim];
        float[] epsOracle = new float[steps.length * n * dim];
        double[] alphaBars = new double[steps.length];
        float[] logSnr = new float[n];
        float[] buffer = new float[n * dim];
        for (int s = 0; s < steps.length; s++) {
            alphaBars[s] = schedule.alphaBar(steps[s]);
            Arrays.fill(logSnr, (float) schedule.logSnr(steps[s]));
            model.predictEps(points, logSnr, null, n, buffer);
            System.arraycopy(buffer, 0, epsModel, s * n * dim, n * dim);
            oracle.predictEps(points, logSnr, null, n, buffer);
            System.arraycopy(buffer, 0, epsOracle, s * n * dim, n * dim);
        }
        return new ScoreErrorGrid(points.clone(), n, dim, steps.clone(), alphaBars, epsModel, epsOracle);
    }

    /** Flat index of component j of point i at step index s. */
    public int index(int s, int i, int j) {
        return (s * n + i) * dim + j;
    }

    /** The model's score at (s, i, j). */
    public double scoreModel(int s, int i, int j) {
        return -epsModel[index(s, i, j)] / Math.sqrt(1 - alphaBars[s]);
    }

    /** The exact score at (s, i, j). */
    public double scoreOracle(int s, int i, int j) {
        return -epsOracle[index(s, i, j)] / Math.sqrt(1 - alphaBars[s]);
    }

    /** {@code ||eps_model - eps_oracle||^2} at point i of step s. */
    public double squaredEpsError(int s, int i) {
        double e = 0;
        for (int j = 0; j < dim; j++) {
            double d = epsModel[index(s, i, j)] - epsOracle[index(s, i, j)];
            e += d * d;
        }
        return e;
    }

    /** {@code ||s_model - s_oracle||^2 = ||eps error||^2 / (1 - abar)} at point i of step s. */
    public double squaredScoreError(int s, int i) {
        return squaredEpsError(s, i) / (1 - alphaBars[s]);
    }
}
