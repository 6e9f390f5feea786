package org.noiselab.engine.io;

import java.util.Map;

/**
 * The numbers a loaded model may hold: weights finite and at most {@link #MAX_ABS_WEIGHT} in size, optimiser moments
 * finite. A file that breaks this (NaN, infinity, or 3e38 with correct digests) is refused on load and on import,
 * naming the tensor and the first bad index, instead of sampling NaN later.
 */
public final class FiniteTensors {

    /**
     * The largest weight magnitude accepted. No model trained here comes within orders of magnitude of it; beyond it
     * a few float32 products overflow, so the model's outputs would not be finite.
     */
    public static final double MAX_ABS_WEIGHT = 1e10;

    private FiniteTensors() {
    }

    /** Refuses a weight that is not finite or exceeds {@link #MAX_ABS_WEIGHT}. */
    public static void requireUsableWeights(Map<String, Tensor> tensors, String source) {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            check(e.getKey(), e.getValue().data(), MAX_ABS_WEIGHT, source);
        }
    }

    /** Refuses a value that is not finite (an optimiser moment). */
    public static void requireFinite(String name, float[] data, String source) {
        check(name, data, Double.POSITIVE_INFINITY, source);
    }

    private static void check(String name, float[] data, double maxAbs, String source) {
        for (int i = 0; i < data.length; i++) {
            float v = data[i];
            if (!Float.isFinite(v) || Math.abs(v) > maxAbs) {
                String what = Float.isNaN(v) ? "NaN" : Float.isInfinite(v) ? (v > 0 ? "+Infinity" : "-Infinity")
                        : v + " (beyond +-" + maxAbs + ")";
                throw new CheckpointFormatException(source + ": tensor '" + CheckpointIO.printable(name) + "' holds "
                        + what + " at index " + i + "; a usable model's numbers are finite");
            }
        }
    }
}
