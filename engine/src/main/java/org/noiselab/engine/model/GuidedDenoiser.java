package org.noiselab.engine.model;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.InvalidConfigException;

/**
 * Classifier-free guidance (Ho and Salimans 2022; the Bayes'-rule derivation in seeds 003/004):
 * {@code eps~(x, c) = (1 + w) eps(x, c) - w eps(x, null)}. Since {@code eps = -sqrt(1 - abar) grad log p_t}, this is
 * the noise of the tilted density {@code p_t(x | c)^(1+w) p_t(x)^(-w)} at every level: at the data level it is exactly
 * the score of the tilted target {@code p(x | c)^(1+w) p(x)^(-w)}; at higher noise it is the tilt of the noised
 * densities, which is not the noised tilted target, so a plain reverse process only approximates the target (annealed
 * Langevin at each level approaches it).
 *
 * <p>Both halves come from one call of the wrapped model on a doubled batch (rows {@code [x; x]} with labels
 * {@code [c; null]}), as the CDM and ParaDiGMS reference code does. Rows whose label is already the null class, and
 * calls without labels, are passed through unguided. Keeps scratch buffers: one thread at a time.
 */
public final class GuidedDenoiser implements Denoiser {

    private final Denoiser conditional;
    private final double weight;
    private float[] xx = new float[0];
    private float[] lambdas = new float[0];
    private int[] labels2 = new int[0];
    private float[] eps2 = new float[0];

    /**
     * @param conditional a conditional model ({@link Denoiser#classCount()} {@literal >} 0) with a null class
     * @param weight      guidance weight {@code w >= 0}; 0 is plain conditional sampling
     */
    public GuidedDenoiser(Denoiser conditional, double weight) {
        if (conditional.classCount() < 1) {
            throw new InvalidConfigException("guidance", weight,
                    "needs a conditional model (trained with --conditional, or the oracle of a labelled dataset)");
        }
        checkWeight("guidance", weight);
        this.conditional = conditional;
        this.weight = weight;
    }

    /** The largest guidance weight accepted. */
    public static final double MAX_WEIGHT = 1000;

    /** Refuses a guidance weight outside {@code 0..MAX_WEIGHT}, naming it as {@code field}. */
    public static void checkWeight(String field, double weight) {
        if (!(weight >= 0 && weight <= MAX_WEIGHT)) {
            throw new InvalidConfigException(field, weight, "must lie in 0.." + (int) MAX_WEIGHT);
        }
    }

    /** The guidance weight {@code w}. */
    public double weight() {
        return weight;
    }

    /** The wrapped conditional model. */
    public Denoiser conditional() {
        return conditional;
    }

    @Override
    public int dim() {
        return conditional.dim();
    }

    @Override
    public int classCount() {
        return conditional.classCount();
    }

    @Override
    public int nullClass() {
        return conditional.nullClass();
    }

    @Override
    public void predictEps(float[] x, float[] logSnr, int @Nullable [] labels, int n, float[] out) {
        if (labels == null || weight == 0) {
            conditional.predictEps(x, logSnr, labels, n, out);
            return;
        }
        int d = dim();
        ensure(n, d);
        System.arraycopy(x, 0, xx, 0, n * d);
        System.arraycopy(x, 0, xx, n * d, n * d);
        System.arraycopy(logSnr, 0, lambdas, 0, n);
        System.arraycopy(logSnr, 0, lambdas, n, n);
        System.arraycopy(labels, 0, labels2, 0, n);
        Arrays.fill(labels2, n, 2 * n, conditional.nullClass());
        conditional.predictEps(xx, lambdas, labels2, 2 * n, eps2);
        float a = (float) (1 + weight);
        float b = (float) weight;
        for (int i = 0; i < n; i++) {
            boolean guided = labels[i] != conditional.nullClass();
            for (int j = i * d; j < (i + 1) * d; j++) {
                out[j] = guided ? a * eps2[j] - b * eps2[n * d + j] : eps2[j];
            }
        }
    }

    private void ensure(int n, int d) {
        if (xx.length < 2 * n * d) {
            xx = new float[2 * n * d];
            eps2 = new float[2 * n * d];
        }
        if (lambdas.length < 2 * n) {
            lambdas = new float[2 * n];
            labels2 = new int[2 * n];
        }
    }
}
