package org.noiselab.engine.model;

import org.jspecify.annotations.Nullable;

/**
 * A classifier of the noise level of a point: logits {@code f(x)[t]}, {@code t = 0..T+1}, equal to {@code log p(t|x)}
 * up to a per-point constant, for {@code x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps} with {@code abar_0 = 1},
 * {@code abar_{T+1} = 0} and a uniform prior over t (the classification diffusion model of Yadin, Elata and Michaeli
 * 2024).
 *
 * <p>Its key quantity is the level gap {@code F(x, t) = f(x)[T+1] - f(x)[t]}: by Theorem 3.1,
 * {@code E[eps | x_t = x] = sqrt(1 - abar_t) (grad_x F(x, t) + x)}; by Theorem 3.2, {@code log p(x) = f(x)[0] -
 * f(x)[T+1] - d/2 log(2 pi) - |x|^2 / 2}. Between integer levels, {@code F(x, tau)} interpolates linearly in
 * {@code tau}, so a fractional level (a sampler's step between training levels) is well defined.
 *
 * <p>Implementations may keep scratch buffers: call from one thread at a time.
 */
public interface NoiseLevelClassifier {

    /** Dimension of one point. */
    int dim();

    /** Number of noise levels, {@code T + 2}. */
    int levels();

    /** Conditioning classes (0 for an unconditional classifier); label {@code classCount()} means "no class". */
    default int classCount() {
        return 0;
    }

    /**
     * The logits {@code f(x)} of n points.
     *
     * @param labels one class per row, or {@code null} for unconditional
     * @param out    {@code n * levels()} values, row-major
     */
    void logits(float[] x, @Nullable int[] labels, int n, float[] out);

    /**
     * {@code grad_x F(x, tau)} of n points, one fractional level {@code tau in [0, T+1]} per row.
     *
     * @param out {@code n * dim()} values
     */
    void levelGapGradient(float[] x, float[] level, @Nullable int[] labels, int n, float[] out);
}
