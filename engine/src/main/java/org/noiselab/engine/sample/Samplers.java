package org.noiselab.engine.sample;

/** Maps a {@link SamplerSpec} to its sampler. */
public final class Samplers {

    private Samplers() {
    }

    /**
     * The evenly respaced subsequence {@code tau_1 < ... < tau_K} of the training steps {@code 1..T},
     * {@code tau_i = round(i T / K)}, with {@code tau_0 = 0} (clean data) prepended: the steps every sampler walks.
     */
    public static int[] respacedSteps(int trainingSteps, int samplingSteps) {
        return SamplerRun.respacedSteps(trainingSteps, samplingSteps);
    }

    /** The sampler a spec describes. */
    public static Sampler create(SamplerSpec spec) {
        if (spec instanceof SamplerSpec.Ddpm ddpm) {
            return new DdpmSampler(ddpm);
        } else if (spec instanceof SamplerSpec.Ddim ddim) {
            return new DdimSampler(ddim, ddim.eta());
        } else if (spec instanceof SamplerSpec.DpmSolver2 dpm) {
            return new DpmSolver2Sampler(dpm);
        } else if (spec instanceof SamplerSpec.Heun heun) {
            return new HeunSampler(heun, true);
        } else if (spec instanceof SamplerSpec.Euler euler) {
            return new HeunSampler(euler, false);
        } else if (spec instanceof SamplerSpec.Langevin langevin) {
            return new LangevinSampler(langevin);
        }
        throw new IllegalArgumentException("unknown sampler spec " + spec);
    }
}
