package org.noiselab.engine.optim;

import org.noiselab.engine.InvalidConfigException;

/**
 * AdamW hyper-parameters (Loshchilov and Hutter 2019; defaults of PyTorch's {@code AdamW} except the learning rate,
 * 1e-3 as in tiny-diffusion and the CDL toys) plus global-norm gradient clipping (1.0, as in tiny-diffusion).
 *
 * @param beta1       first-moment decay
 * @param beta2       second-moment decay
 * @param epsilon     denominator guard
 * @param weightDecay decoupled weight decay
 * @param clipNorm    maximum global gradient norm; {@code 0} disables clipping
 */
public record AdamWSpec(double beta1, double beta2, double epsilon, double weightDecay, double clipNorm) {

    public static final AdamWSpec DEFAULT = new AdamWSpec(0.9, 0.999, 1e-8, 0.0, 1.0);

    public AdamWSpec {
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new InvalidConfigException("beta1", beta1, "must lie in [0, 1)");
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new InvalidConfigException("beta2", beta2, "must lie in [0, 1)");
        }
        if (!(epsilon > 0)) {
            throw new InvalidConfigException("epsilon", epsilon, "must be positive");
        }
        if (!(weightDecay >= 0 && weightDecay < 1)) {
            throw new InvalidConfigException("weightDecay", weightDecay, "must lie in [0, 1)");
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new InvalidConfigException("clipNorm", clipNorm, "must be finite and >= 0 (0 = no clipping)");
        }
    }

    public AdamWSpec withWeightDecay(double wd) {
        return new AdamWSpec(beta1, beta2, epsilon, wd, clipNorm);
    }

    public AdamWSpec withClipNorm(double clip) {
        return new AdamWSpec(beta1, beta2, epsilon, weightDecay, clip);
    }
}
