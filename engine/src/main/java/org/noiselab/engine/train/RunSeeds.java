package org.noiselab.engine.train;

import java.util.SplittableRandom;

/**
 * The independent seeds of a run (Tribuo-style explicit, split seeds): the data draws, the weight initialisation, the
 * training noise, and sampling. Randomness of training step {@code k} is a pure function of {@code (seed, k)} (see
 * {@link #streamFor}), so any step can be replayed without replaying the ones before it.
 *
 * @param data   seed of the training data draws
 * @param init   seed of the initial weights
 * @param train  seed of the noise and noise levels drawn by the objective
 * @param sample seed of sampling after training
 */
public record RunSeeds(long data, long init, long train, long sample) {

    /** Four seeds split from one master seed. */
    public static RunSeeds from(long master) {
        SplittableRandom root = new SplittableRandom(master);
        return new RunSeeds(root.nextLong(), root.nextLong(), root.nextLong(), root.nextLong());
    }

    /** An independent generator for step {@code step} of the stream {@code seed}. */
    public static SplittableRandom streamFor(long seed, long step) {
        return new SplittableRandom(mix64(seed + 0x9E3779B97F4A7C15L * (step + 1)) ^ mix64(step));
    }

    /** The finaliser of MurmurHash3, a bijective 64-bit mixer. */
    static long mix64(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
