package org.noiselab.engine.objective;

import org.noiselab.engine.InvalidConfigException;

/** The closed set of training objectives. */
public sealed interface ObjectiveSpec permits ObjectiveSpec.Ddpm, ObjectiveSpec.Itd, ObjectiveSpec.Cdl,
        ObjectiveSpec.DdpmCdl, ObjectiveSpec.Cdm {

    /** Objective names accepted by {@link #parse}. */
    String NAMES = "ddpm, itd, cdl, ddpm+cdl, cdm";

    /** Short identifier used on the command line and in checkpoints. */
    String kind();

    /** The objective of a name, with default settings. */
    static ObjectiveSpec parse(String kind) {
        return switch (kind) {
            case "ddpm" -> new Ddpm();
            case "itd" -> new Itd();
            case "cdl" -> new Cdl(ContrastiveSettings.DEFAULT);
            case "ddpm+cdl" -> new DdpmCdl(ContrastiveSettings.DEFAULT);
            case "cdm" -> Cdm.DEFAULT;
            default -> throw new InvalidConfigException("objective", kind, "available objectives: " + NAMES);
        };
    }

    /** The contrastive settings of an objective, or {@code null} when it has none. */
    default ContrastiveSettings contrastive() {
        return null;
    }

    /** The simple DDPM loss of Ho et al. 2020. */
    record Ddpm() implements ObjectiveSpec {
        @Override
        public String kind() {
            return "ddpm";
        }
    }

    /** The ITD loss: the importance-sampled log-likelihood bound of Kong et al. 2023 (CDL's "standard" loss). */
    record Itd() implements ObjectiveSpec {
        @Override
        public String kind() {
            return "itd";
        }
    }

    /** ITD plus the contrastive diffusion loss (Wu et al. 2024). */
    record Cdl(ContrastiveSettings settings) implements ObjectiveSpec {
        @Override
        public String kind() {
            return "cdl";
        }

        @Override
        public ContrastiveSettings contrastive() {
            return settings;
        }
    }

    /** The DDPM loss plus the contrastive diffusion loss. */
    record DdpmCdl(ContrastiveSettings settings) implements ObjectiveSpec {
        @Override
        public String kind() {
            return "ddpm+cdl";
        }

        @Override
        public ContrastiveSettings contrastive() {
            return settings;
        }
    }

    /**
     * The classification diffusion model objective (Yadin, Elata and Michaeli 2024, Algorithm 1):
     * {@code t ~ U{0..T+1}}, loss {@code ceWeight * CE(t, f(x_t)) + mseWeight * |eps - eps_hat|^2} with
     * {@code eps_hat = sqrt(1 - abar_t) (grad_x F(x_t, t) + x_t)}; the squared error is summed over dimensions and
     * averaged over the batch like the DDPM loss. Setting one weight to 0 gives the paper's "CE only" or "MSE only"
     * ablation.
     *
     * @param ceWeight  weight of the cross-entropy over noise levels (the paper: 0.001 for images)
     * @param mseWeight weight of the denoising squared error (the paper: 1)
     */
    record Cdm(double ceWeight, double mseWeight) implements ObjectiveSpec {
        /** Tuned for the toys, whose squared error is summed over 1 or 2 dimensions rather than averaged over pixels. */
        public static final double DEFAULT_CE_WEIGHT = 0.01;
        /**
         * The paper's weight for images (the reference code's {@code ce_factor}), which goes with a squared error
         * averaged over pixels; with Noise Lab's squared error summed over the d values of an image, the same balance
         * is a weight of {@code 0.001 d}.
         */
        public static final double IMAGE_CE_WEIGHT_PER_VALUE = 0.001;
        public static final Cdm DEFAULT = new Cdm(DEFAULT_CE_WEIGHT, 1);

        public Cdm {
            if (!(ceWeight >= 0 && ceWeight <= 1e6)) {
                throw new InvalidConfigException("ce-weight", ceWeight, "must lie in [0, 1e6]");
            }
            if (!(mseWeight >= 0 && mseWeight <= 1e6)) {
                throw new InvalidConfigException("mse-weight", mseWeight, "must lie in [0, 1e6]");
            }
            if (ceWeight == 0 && mseWeight == 0) {
                throw new InvalidConfigException("ce-weight", ceWeight, "and mse-weight cannot both be 0");
            }
        }

        @Override
        public String kind() {
            return "cdm";
        }
    }

    /**
     * How much contrastive loss to add, as in the CDL reference code: {@code samples} points of each batch each get a
     * CDL term estimated with {@code points} Monte-Carlo log-SNR draws per density (0 = the batch size), divided by
     * that number and multiplied by {@code weight}.
     *
     * @param weight  multiplier of the CDL terms (reference: 1)
     * @param samples CDL terms per batch (reference: 2)
     * @param points  integration points per log-density estimate, 0 for the batch size (reference: the batch size)
     */
    record ContrastiveSettings(double weight, int samples, int points) {
        public static final ContrastiveSettings DEFAULT = new ContrastiveSettings(1.0, 2, 0);

        public ContrastiveSettings {
            if (!(weight >= 0 && weight <= 1e6)) {
                throw new InvalidConfigException("cdl-weight", weight, "must lie in [0, 1e6]");
            }
            if (samples < 1 || samples > 100_000) {
                throw new InvalidConfigException("cdl-samples", samples, "must lie in 1..100000");
            }
            if (points < 0 || points > 100_000) {
                throw new InvalidConfigException("cdl-points", points, "must lie in 0..100000 (0 = batch size)");
            }
        }

        /** The effective integration points for a batch size. */
        public int pointsFor(int batchSize) {
            return points == 0 ? batchSize : points;
        }
    }
}
