package org.noiselab.engine.sample;

import org.noiselab.engine.InvalidConfigException;

/** The closed set of reverse-process samplers; {@link Samplers#create(SamplerSpec)} builds one. */
public sealed interface SamplerSpec permits SamplerSpec.Ddpm, SamplerSpec.Ddim, SamplerSpec.DpmSolver2,
        SamplerSpec.Heun, SamplerSpec.Euler, SamplerSpec.Langevin {

    /** The sampler names accepted by {@link #parse}. */
    String NAMES = "ddpm, ddim, dpm2, heun, euler, langevin";

    /** Number of steps (noise levels) the sampler walks through. */
    int steps();

    /** Short identifier: ddpm, ddim, dpm2, heun, euler or langevin. */
    String kind();

    /** A spec from its name with default extra parameters. */
    static SamplerSpec parse(String kind, int steps) {
        return switch (kind) {
            case "ddpm" -> new Ddpm(steps);
            case "ddim" -> new Ddim(steps, 0);
            case "dpm2" -> new DpmSolver2(steps);
            case "heun" -> new Heun(steps);
            case "euler" -> new Euler(steps);
            case "langevin" -> new Langevin(steps, Langevin.DEFAULT_STEPS_PER_LEVEL, Langevin.DEFAULT_SNR);
            default -> throw new InvalidConfigException("sampler", kind, "expected one of " + NAMES);
        };
    }

    /** Ancestral DDPM sampling (Ho et al. 2020) on an evenly respaced subsequence of the training steps. */
    record Ddpm(int steps) implements SamplerSpec {
        public Ddpm {
            checkSteps(steps);
        }

        @Override
        public String kind() {
            return "ddpm";
        }
    }

    /** DDIM (Song, Meng, Ermon 2021); {@code eta = 0} is deterministic, {@code eta = 1} is DDPM's posterior noise. */
    record Ddim(int steps, double eta) implements SamplerSpec {
        public Ddim {
            checkSteps(steps);
            if (!(eta >= 0 && eta <= 10)) {
                throw new InvalidConfigException("eta", eta, "must lie in [0, 10]");
            }
        }

        @Override
        public String kind() {
            return "ddim";
        }
    }

    /** Second-order singlestep DPM-Solver (Lu et al. 2022, "DPM-Solver-2"); two model calls per step. */
    record DpmSolver2(int steps) implements SamplerSpec {
        public DpmSolver2 {
            checkSteps(steps);
        }

        @Override
        public String kind() {
            return "dpm2";
        }
    }

    /** The probability-flow ODE with Heun's method on the Karras et al. (2022) sigma grid (rho = 7). */
    record Heun(int steps) implements SamplerSpec {
        public Heun {
            checkSteps(steps);
        }

        @Override
        public String kind() {
            return "heun";
        }
    }

    /** The probability-flow ODE with Euler's method on the same grid as {@link Heun}, for comparison; K model calls. */
    record Euler(int steps) implements SamplerSpec {
        public Euler {
            checkSteps(steps);
        }

        @Override
        public String kind() {
            return "euler";
        }
    }

    /**
     * Annealed Langevin dynamics (Song and Ermon 2019): {@code stepsPerLevel} Langevin steps at each of {@code steps}
     * noise levels, the step size set by the signal-to-noise ratio {@code snr} (Song et al. 2021), then a final Tweedie
     * denoising step.
     */
    record Langevin(int steps, int stepsPerLevel, double snr) implements SamplerSpec {
        public static final int DEFAULT_STEPS_PER_LEVEL = 10;
        public static final double DEFAULT_SNR = 0.16;

        public Langevin {
            checkSteps(steps);
            if (stepsPerLevel < 1 || stepsPerLevel > 10_000) {
                throw new InvalidConfigException("stepsPerLevel", stepsPerLevel, "must lie in 1..10000");
            }
            if (!(snr > 0 && snr <= 1)) {
                throw new InvalidConfigException("snr", snr, "must lie in (0, 1]");
            }
        }

        @Override
        public String kind() {
            return "langevin";
        }
    }

    private static void checkSteps(int steps) {
        if (steps < 1 || steps > 100_000) {
            throw new InvalidConfigException("steps", steps, "must lie in 1..100000");
        }
    }
}
