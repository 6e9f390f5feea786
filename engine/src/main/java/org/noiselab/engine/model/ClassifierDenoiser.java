package org.noiselab.engine.model;

import org.jspecify.annotations.Nullable;
import org.noiselab.engine.schedule.NoiseSchedule;

/**
 * A noise-level classifier seen as a denoiser through Theorem 3.1 of the CDM paper (Yadin, Elata and Michaeli 2024):
 * {@code eps_hat(x, t) = sqrt(1 - abar_t) (grad_x F(x, t) + x)} with {@code F(x, t) = f(x)[T+1] - f(x)[t]}. Every
 * sampler therefore runs on a classifier unchanged.
 *
 * <p>A log-SNR between two training levels maps to the fractional level whose noise standard deviation interpolates
 * linearly between theirs: {@code tau = t + (sigma - sigma_t) / (sigma_{t+1} - sigma_t)} with
 * {@code sigma = sqrt(sigmoid(-lambda))}, so the classifier's own levels are hit exactly and {@code sigma_0 = 0},
 * {@code sigma_{T+1} = 1} cover every log-SNR.
 */
public final class ClassifierDenoiser implements Denoiser {

    private final NoiseLevelClassifier classifier;
    private final double[] sigmas;
    private float[] levels = new float[0];

    /**
     * @param classifier a classifier over the levels {@code 0..T+1} of {@code schedule}
     * @param schedule   the noise schedule it was trained on
     */
    public ClassifierDenoiser(NoiseLevelClassifier classifier, NoiseSchedule schedule) {
        if (classifier.levels() != schedule.steps() + 2) {
            throw new IllegalArgumentException("classifier has " + classifier.levels() + " levels, the schedule "
                    + schedule.steps() + " steps (needs " + (schedule.steps() + 2) + " levels)");
        }
        this.classifier = classifier;
        this.sigmas = new double[schedule.steps() + 2];
        for (int t = 0; t < sigmas.length; t++) {
            sigmas[t] = schedule.sigma(t);
        }
    }

    /** The classifier behind this denoiser. */
    public NoiseLevelClassifier classifier() {
        return classifier;
    }

    @Override
    public int dim() {
        return classifier.dim();
    }

    @Override
    public int classCount() {
        return classifier.classCount();
    }

    @Override
    public void predictEps(float[] x, float[] logSnr, int @Nullable [] labels, int n, float[] out) {
        if (levels.length < n) {
            levels = new float[n];
        }
        for (int i = 0; i < n; i++) {
            levels[i] = (float) levelOf(Math.sqrt(NoiseSchedule.alphaBarOfLogSnr(-logSnr[i])));
        }
        classifier.levelGapGradient(x, levels, labels, n, out);
        int d = dim();
        for (int i = 0; i < n; i++) {
            float sigma = (float) Math.sqrt(NoiseSchedule.alphaBarOfLogSnr(-logSnr[i]));
            for (int j = 0; j < d; j++) {
                int k = i * d + j;
                out[k] = sigma * (out[k] + x[k]);
            }
        }
    }

    /** The fractional level of a noise standard deviation in {@code [0, 1]}. */
    public double levelOf(double sigma) {
        if (!(sigma > 0)) {
            return 0;
        }
        int last = sigmas.length - 1;
        if (sigma >= 1) {
            return last;
        }
        int lo = 0;
        int hi = last;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (sigmas[mid] <= sigma) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double span = sigmas[hi] - sigmas[lo];
        return span > 0 ? lo + (sigma - sigmas[lo]) / span : lo;
    }
}
