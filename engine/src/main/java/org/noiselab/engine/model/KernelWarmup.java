package org.noiselab.engine.model;

/**
 * Brings the Vector API kernels to compiled speed. Until the JIT's optimising compiler has compiled them, Vector API
 * code runs through slow, allocating fallbacks (measured here: the first default-size training pass takes most of a
 * second, full speed arrives after about three seconds on an idle core). An interactive app that starts training and
 * live analysis at once on two cores can starve the compiler far longer; running this on each compute thread once,
 * at start-up, with the shapes real work uses, avoids that.
 */
public final class KernelWarmup {

    private KernelWarmup() {
    }

    /**
     * Trains and evaluates default-sized 1D and 2D networks (batch 512 forward and backward, 241-row predictions)
     * until the pass rate has been steady for a second, or {@code maxMillis} have passed. Compiled code is shared by
     * all threads, so one thread warming up is enough, and it competes with nothing for the compiler.
     *
     * @return the milliseconds spent
     */
    public static long run(long maxMillis) {
        MlpDenoiser[] nets = {MlpDenoiser.initialise(MlpSpec.defaults(1), 1), MlpDenoiser.initialise(MlpSpec.defaults(2), 2)};
        int n = 512;
        float[] x = new float[2 * n];
        float[] lambda = new float[n];
        float[] out = new float[2 * n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = (i % 17) / 17f - 0.5f;
            x[2 * i + 1] = (i % 13) / 13f - 0.5f;
            lambda[i] = (i % 21) - 10;
        }
        long start = System.nanoTime();
        long end = start + maxMillis * 1_000_000L;
        double previousRate = 0;
        int steadyWindows = 0;
        while (System.nanoTime() < end && steadyWindows < 4) {
            long windowEnd = System.nanoTime() + 250_000_000L;
            int passes = 0;
            while (System.nanoTime() < windowEnd) {
                MlpDenoiser net = nets[passes % 2];
                net.forwardForTraining(x, lambda, null, n, out);
                net.backward(out);
                net.predictEps(x, lambda, null, 241, out);
                passes++;
            }
            steadyWindows = passes > 20 && Math.abs(passes - previousRate) < 0.15 * passes ? steadyWindows + 1 : 0;
            previousRate = passes;
        }
        return (System.nanoTime() - start) / 1_000_000L;
    }
}
