package org.noiselab.engine.likelihood;

import org.jspecify.annotations.Nullable;
import org.noiselab.engine.model.NoiseLevelClassifier;

/**
 * Exact log-likelihood of a classification diffusion model in one forward pass (Yadin, Elata and Michaeli 2024,
 * Theorem 3.2 with a uniform prior over levels, at {@code t = 0}):
 * {@code log p(x) = f(x)[0] - f(x)[T+1] - d/2 log(2 pi) - |x|^2 / 2}. Exact for the optimal classifier; for a
 * trained one it is as good as the classifier's log-ratio between clean data and pure noise.
 */
public final class CdmLikelihood {

    private static final double LOG_TWO_PI = Math.log(2 * Math.PI);

    private CdmLikelihood() {
    }

    /** {@code log p(x)} of n points (nats). */
    public static double[] logDensity(NoiseLevelClassifier classifier, float[] x, int @Nullable [] labels, int n) {
        int levels = classifier.levels();
        int d = classifier.dim();
        float[] f = new float[n * levels];
        classifier.logits(x, labels, n, f);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int j = 0; j < d; j++) {
                double v = x[i * d + j];
                sq += v * v;
            }
            out[i] = (double) f[i * levels] - f[i * levels + levels - 1] - 0.5 * d * LOG_TWO_PI - 0.5 * sq;
        }
        return out;
    }
}
