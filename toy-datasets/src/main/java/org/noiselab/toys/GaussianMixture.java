package org.noiselab.toys;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A finite mixture of Gaussians with diagonal covariances, {@code p(x) = sum_k w_k N(x; m_k, diag(v_k))}, and its exact
 * behaviour under the variance-preserving forward process {@code x_t = sqrt(abar) x_0 + sqrt(1 - abar) eps}.
 *
 * <p>The noised marginal of a mixture is again a mixture with {@code m_k -> sqrt(abar) m_k} and
 * {@code v_k -> abar v_k + (1 - abar)}, so the log-density, the score {@code grad log q_t(x)} and the posterior mean
 * {@code E[eps | x_t = x] = sum_k r_k(x) sqrt(1 - abar) (x - sqrt(abar) m_k) / (abar v_k + 1 - abar)} (with the component
 * responsibilities {@code r_k}) are all closed-form. This is the "oracle denoiser" of Noise Lab: the exact answer every
 * trained model is compared against (Tweedie's formula; Ho et al. 2020 for the forward process).
 *
 * <p>Points are passed as flat row-major arrays of {@code n * dim()} values. Instances are immutable and thread-safe.
 */
public final class GaussianMixture {

    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private final int dim;
    private final int components;
    private final double[] weights;
    private final double[] logWeights;
    private final double[] means;
    private final double[] variances;
    private final double[] inverseVariances;
    private final double[] logNormalizers;
    private final double[] cumulativeWeights;

    /**
     * @param weights   mixture weights, non-negative, normalised here (length K)
     * @param means     component means, K rows of {@code dim} values
     * @param variances per-dimension component variances, K rows of {@code dim} positive values
     */
    public GaussianMixture(double[] weights, double[][] means, double[][] variances) {
        if (weights.length == 0) {
            throw new IllegalArgumentException("a mixture needs at least one component");
        }
        if (means.length != weights.length || variances.length != weights.length) {
            throw new IllegalArgumentException("weights, means and variances must have the same number of components");
        }
        this.components = weights.length;
        this.dim = means[0].length;
        if (dim == 0) {
            throw new IllegalArgumentException("dimension must be positive");
        }
        double total = 0;
        for (double w : weights) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("mixture weights must be finite and non-negative, got " + w);
            }
            total += w;
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("mixture weights must not all be zero");
        }
        this.weights = new double[components];
        this.logWeights = new double[components];
        this.cumulativeWeights = new double[components];
        this.means = new double[components * dim];
        this.variances = new double[components * dim];
        this.inverseVariances = new double[components * dim];
        this.logNormalizers = new double[components];
        double running = 0;
        for (int k = 0; k < components; k++) {
            if (means[k].length != dim || variances[k].length != dim) {
                throw new IllegalArgumentException("component " + k + " has the wrong dimension");
            }
            this.weights[k] = weights[k] / total;
            this.logWeights[k] = Math.log(this.weights[k]);
            running += this.weights[k];
            this.cumulativeWeights[k] = running;
            double logDet = 0;
            for (int j = 0; j < dim; j++) {
                if (!(variances[k][j] > 0) || Double.isInfinite(variances[k][j]) || !Double.isFinite(means[k][j])) {
                    throw new IllegalArgumentException("component " + k + " needs a finite mean and a positive variance");
                }
                this.means[k * dim + j] = means[k][j];
                this.variances[k * dim + j] = variances[k][j];
                this.inverseVariances[k * dim + j] = 1.0 / variances[k][j];
                logDet += Math.log(variances[k][j]);
            }
            this.logNormalizers[k] = logWeights[k] - 0.5 * (logDet + dim * LOG_2PI);
        }
        this.cumulativeWeights[components - 1] = 1.0;
    }

    /** A mixture whose components all share one isotropic standard deviation. */
    public static GaussianMixture isotropic(double[] weights, double[][] means, double std) {
        double[][] variances = new double[means.length][];
        for (int k = 0; k < means.length; k++) {
            variances[k] = new double[means[k].length];
            Arrays.fill(variances[k], std * std);
        }
        return new GaussianMixture(weights, means, variances);
    }

    /** Equal weights for {@code k} components. */
    public static double[] uniformWeights(int k) {
        double[] w = new double[k];
        Arrays.fill(w, 1.0 / k);
        return w;
    }

    public int dim() {
        return dim;
    }

    public int components() {
        return components;
    }

    public double weight(int k) {
        return weights[k];
    }

    public double mean(int k, int j) {
        return means[k * dim + j];
    }

    public double variance(int k, int j) {
        return variances[k * dim + j];
    }

    /** Per-dimension mean of the mixture. */
    public double[] overallMean() {
        double[] m = new double[dim];
        for (int k = 0; k < components; k++) {
            for (int j = 0; j < dim; j++) {
                m[j] += weights[k] * means[k * dim + j];
            }
        }
        return m;
    }

    /** Per-dimension variance of the mixture (law of total variance). */
    public double[] overallVariance() {
        double[] m = overallMean();
        double[] v = new double[dim];
        for (int k = 0; k < components; k++) {
            for (int j = 0; j < dim; j++) {
                double d = means[k * dim + j] - m[j];
                v[j] += weights[k] * (variances[k * dim + j] + d * d);
            }
        }
        return v;
    }

    /**
     * The exact marginal of {@code x_t = sqrt(abar) x_0 + sqrt(1 - abar) eps} for {@code x_0} from this mixture.
     *
     * @param alphaBar the signal fraction, in [0, 1]
     */
    public GaussianMixture noised(double alphaBar) {
        checkAlphaBar(alphaBar);
        double s = Math.sqrt(alphaBar);
        double[][] m = new double[components][dim];
        double[][] v = new double[components][dim];
        for (int k = 0; k < components; k++) {
            for (int j = 0; j < dim; j++) {
                m[k][j] = s * means[k * dim + j];
                v[k][j] = alphaBar * variances[k * dim + j] + (1 - alphaBar);
            }
        }
        return new GaussianMixture(weights, m, v);
    }

    /**
     * The density of {@code x + u} with {@code u ~ N(0, variance I)} independent of x: every component's variance grows
     * by {@code variance}. Drawing a density on a pixel grid through such a blur of about a pixel shows narrow
     * components honestly instead of aliasing them.
     */
    public GaussianMixture convolved(double variance) {
        if (!(variance >= 0) || Double.isInfinite(variance)) {
            throw new IllegalArgumentException("variance must be finite and >= 0, got " + variance);
        }
        double[][] m = new double[components][];
        double[][] v = new double[components][dim];
        for (int k = 0; k < components; k++) {
            m[k] = Arrays.copyOfRange(means, k * dim, (k + 1) * dim);
            for (int j = 0; j < dim; j++) {
                v[k][j] = variances[k * dim + j] + variance;
            }
        }
        return new GaussianMixture(weights, m, v);
    }

    /** The mixture restricted to the given components, re-normalised. */
    public GaussianMixture restrictedTo(int[] componentIndices) {
        double[] w = new double[componentIndices.length];
        double[][] m = new double[componentIndices.length][];
        double[][] v = new double[componentIndices.length][];
        for (int i = 0; i < componentIndices.length; i++) {
            int k = componentIndices[i];
            w[i] = weights[k];
            m[i] = Arrays.copyOfRange(means, k * dim, (k + 1) * dim);
            v[i] = Arrays.copyOfRange(variances, k * dim, (k + 1) * dim);
        }
        return new GaussianMixture(w, m, v);
    }

    /** {@code log p(x)} for n points. */
    public double[] logDensity(double[] x, int n) {
        checkPoints(x, n);
        double[] out = new double[n];
        double[] logTerms = new double[components];
        for (int i = 0; i < n; i++) {
            out[i] = componentLogTerms(x, i, logTerms);
        }
        return out;
    }

    /** {@code log p(x)} for one point. */
    public double logDensity(double... x) {
        return logDensity(x, 1)[0];
    }

    /** The score {@code grad log p(x)} for n points (n * dim values). */
    public double[] score(double[] x, int n) {
        checkPoints(x, n);
        double[] out = new double[n * dim];
        double[] logTerms = new double[components];
        for (int i = 0; i < n; i++) {
            double logP = componentLogTerms(x, i, logTerms);
            for (int k = 0; k < components; k++) {
                double r = Math.exp(logTerms[k] - logP);
                if (r == 0) {
                    continue;
                }
                for (int j = 0; j < dim; j++) {
                    out[i * dim + j] -= r * (x[i * dim + j] - means[k * dim + j]) * inverseVariances[k * dim + j];
                }
            }
        }
        return out;
    }

    /**
     * The exact posterior mean of the noise, {@code E[eps | x_t = x]}, for n points noised to {@code alphaBar} (the
     * optimal epsilon-prediction denoiser). At {@code alphaBar = 1} there is no noise and the answer is 0.
     */
    public double[] epsPosteriorMean(double[] x, int n, double alphaBar) {
        checkAlphaBar(alphaBar);
        if (alphaBar >= 1) {
            checkPoints(x, n);
            return new double[n * dim];
        }
        double[] score = noised(alphaBar).score(x, n);
        double sigma = Math.sqrt(1 - alphaBar);
        for (int i = 0; i < score.length; i++) {
            score[i] *= -sigma;
        }
        return score;
    }

    /**
     * {@code E[eps | x_t = x]} where each row has its own noise level: row i of x was noised to {@code alphaBars[i]}.
     * Equivalent to {@link #epsPosteriorMean(double[], int, double)} row by row, without building noised mixtures.
     */
    public double[] epsPosteriorMean(double[] x, double[] alphaBars, int n) {
        checkPoints(x, n);
        double[] out = new double[n * dim];
        double[] logTerms = new double[components];
        double[] noisedInverseVar = new double[components * dim];
        double[] noisedLogNorm = new double[components];
        double cachedAlphaBar = Double.NaN;
        for (int i = 0; i < n; i++) {
            double a = alphaBars[i];
            checkAlphaBar(a);
            if (a >= 1) {
                continue;
            }
            double s = Math.sqrt(a);
            if (a != cachedAlphaBar) {
                cachedAlphaBar = a;
                for (int k = 0; k < components; k++) {
                    double logDet = 0;
                    for (int j = 0; j < dim; j++) {
                        double v = a * variances[k * dim + j] + (1 - a);
                        noisedInverseVar[k * dim + j] = 1 / v;
                        logDet += Math.log(v);
                    }
                    noisedLogNorm[k] = logWeights[k] - 0.5 * logDet;
                }
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < components; k++) {
                double quad = 0;
                for (int j = 0; j < dim; j++) {
                    double d = x[i * dim + j] - s * means[k * dim + j];
                    quad += d * d * noisedInverseVar[k * dim + j];
                }
                logTerms[k] = noisedLogNorm[k] - 0.5 * quad;
                max = Math.max(max, logTerms[k]);
            }
            double total = 0;
            for (int k = 0; k < components; k++) {
                logTerms[k] = Math.exp(logTerms[k] - max);
                total += logTerms[k];
            }
            double sigma = Math.sqrt(1 - a);
            for (int k = 0; k < components; k++) {
                double r = logTerms[k] / total;
                if (r == 0) {
                    continue;
                }
                for (int j = 0; j < dim; j++) {
                    out[i * dim + j] += r * sigma * (x[i * dim + j] - s * means[k * dim + j]) * noisedInverseVar[k * dim + j];
                }
            }
        }
        return out;
    }

    /** Log-responsibilities {@code log p(k | x)} of each component for one point (row {@code i} of x). */
    public double[] logResponsibilities(double[] x, int i) {
        double[] logTerms = new double[components];
        double logP = componentLogTerms(x, i, logTerms);
        for (int k = 0; k < components; k++) {
            logTerms[k] -= logP;
        }
        return logTerms;
    }

    /** Draws n points; the component of each draw is written to {@code componentsOut} when it is not null. */
    public double[] sample(int n, SplittableRandom rng, int[] componentsOut) {
        if (n < 0) {
            throw new IllegalArgumentException("sample count must be non-negative, got " + n);
        }
        double[] out = new double[n * dim];
        for (int i = 0; i < n; i++) {
            int k = drawComponent(rng.nextDouble());
            if (componentsOut != null) {
                componentsOut[i] = k;
            }
            for (int j = 0; j < dim; j++) {
                out[i * dim + j] = means[k * dim + j] + Math.sqrt(variances[k * dim + j]) * rng.nextGaussian();
            }
        }
        return out;
    }

    private int drawComponent(double u) {
        int idx = Arrays.binarySearch(cumulativeWeights, u);
        int k = idx >= 0 ? idx + 1 : -idx - 1;
        return Math.min(k, components - 1);
    }

    /** Fills {@code logTerms[k] = log w_k + log N(x_i; m_k, v_k)} and returns their log-sum-exp. */
    private double componentLogTerms(double[] x, int i, double[] logTerms) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < components; k++) {
            double quad = 0;
            for (int j = 0; j < dim; j++) {
                double d = x[i * dim + j] - means[k * dim + j];
                quad += d * d * inverseVariances[k * dim + j];
            }
            double term = logNormalizers[k] - 0.5 * quad;
            logTerms[k] = term;
            if (term > max) {
                max = term;
            }
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (int k = 0; k < components; k++) {
            sum += Math.exp(logTerms[k] - max);
        }
        return max + Math.log(sum);
    }

    private void checkPoints(double[] x, int n) {
        if (n < 0 || x.length < n * dim) {
            throw new IllegalArgumentException("expected " + n + " points of dimension " + dim + ", got " + x.length
                    + " values");
        }
    }

    private static void checkAlphaBar(double alphaBar) {
        if (!(alphaBar >= 0 && alphaBar <= 1)) {
            throw new IllegalArgumentException("alphaBar must lie in [0, 1], got " + alphaBar);
        }
    }
}
