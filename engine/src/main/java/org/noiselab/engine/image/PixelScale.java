package org.noiselab.engine.image;

/**
 * The map between 8-bit pixel values and the model's scale: {@code x = b / 127.5 - 1}, so 0 maps to -1 and 255 to 1
 * exactly, and its inverse {@code b = round((x + 1) * 127.5)} clamped to 0..255.
 */
public final class PixelScale {

    private PixelScale() {
    }

    /** The model-scale value of an 8-bit value {@code b} in 0..255. */
    public static float fromByte(int b) {
        return (float) (b / 127.5 - 1.0);
    }

    /** The model-scale value of an intensity {@code v} on the 0..255 scale, not necessarily whole (a luminance). */
    public static float fromIntensity(double v) {
        return (float) (v / 127.5 - 1.0);
    }

    /**
     * The nearest 8-bit value of {@code x}: values outside [-1, 1] clamp to 0 or 255 (infinities included); NaN maps
     * to 0. Exact inverse of {@link #fromByte}.
     */
    public static int toByte(float x) {
        if (Float.isNaN(x)) {
            return 0;
        }
        long b = Math.round((x + 1.0) * 127.5);
        return (int) Math.max(0, Math.min(255, b));
    }
}
