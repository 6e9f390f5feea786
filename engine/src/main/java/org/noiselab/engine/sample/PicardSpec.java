package org.noiselab.engine.sample;

import org.noiselab.engine.InvalidConfigException;

/**
 * Settings of the Picard (ParaDiGMS) parallel sampler.
 *
 * @param steps     sampling steps K over the respaced training schedule
 * @param window    slots updated per iteration, {@code 0} for all K ("no window", the CDL toy setting)
 * @param tolerance {@code tau}: slot j has converged when {@code ||dx||^2 / D <= tau^2 sigma_j^2}
 * @param drift     the sequential update being parallelised
 */
public record PicardSpec(int steps, int window, double tolerance, Drift drift) {

    /** The sequential samplers Picard iteration can parallelise. */
    public enum Drift {
        /** DDPM posterior mean plus pre-drawn noise (ends at {@link SamplerSpec.Ddpm}'s result). */
        DDPM,
        /** Deterministic DDIM (ends at {@link SamplerSpec.Ddim}'s result with eta = 0). */
        DDIM
    }

    public PicardSpec {
        if (steps < 1 || steps > 100_000) {
            throw new InvalidConfigException("steps", steps, "must lie in 1..100000");
        }
        if (window < 0) {
            throw new InvalidConfigException("window", window, "must be >= 0 (0 = all steps)");
        }
        if (!(tolerance > 0 && tolerance < 1e3)) {
            throw new InvalidConfigException("tol", tolerance, "must be positive");
        }
        if (drift == null) {
            throw new InvalidConfigException("drift", null, "required");
        }
    }

    /** The effective window: all steps when 0 or larger than K. */
    public int effectiveWindow() {
        return window == 0 ? steps : Math.min(window, steps);
    }
}
