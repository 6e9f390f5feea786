package org.noiselab.app.view.plot;

import javafx.scene.paint.Color;

/**
 * Colour maps for heatmaps: 256-entry ARGB lookup tables interpolated from 33 evenly spaced anchors of matplotlib's
 * tables. Viridis, magma and cividis are perceptually uniform and colour-blind safe; grays runs from black to white.
 */
public enum ColorMap {
    /** Matplotlib's viridis: dark purple, blue, green, yellow. */
    VIRIDIS("Viridis", new int[] {
            0x440154, 0x470D60, 0x48186A, 0x482374, 0x472D7B, 0x453781, 0x424086, 0x3E4989,
            0x3B528B, 0x375B8D, 0x33638D, 0x2F6B8E, 0x2C728E, 0x297A8E, 0x26828E, 0x23898E,
            0x21918C, 0x1F978B, 0x1F9F88, 0x21A685, 0x27AD81, 0x31B57B, 0x3DBC74, 0x4CC26C,
            0x5CC863, 0x6ECE58, 0x81D34D, 0x95D840, 0xAADC32, 0xC0DF25, 0xD5E21A, 0xEAE51A,
            0xFDE725}),
    /** Matplotlib's magma: black, purple, orange, pale yellow. */
    MAGMA("Magma", new int[] {
            0x000004, 0x030312, 0x0A0822, 0x130D34, 0x1D1147, 0x29115A, 0x36106B, 0x440F76,
            0x51127C, 0x5D177F, 0x6A1C81, 0x762181, 0x832681, 0x902A81, 0x9C2E7F, 0xAA337D,
            0xB73779, 0xC23B75, 0xCF4070, 0xDB476A, 0xE55064, 0xEE5B5E, 0xF4695C, 0xF9785D,
            0xFB8761, 0xFD9668, 0xFEA571, 0xFEB47B, 0xFEC287, 0xFED194, 0xFDE0A1, 0xFCEEB0,
            0xFCFDBF}),
    /** Matplotlib's cividis: dark blue to yellow, designed for colour-vision deficiency. */
    CIVIDIS("Cividis", new int[] {
            0x00224E, 0x00285B, 0x002E6A, 0x053371, 0x1A386F, 0x273E6E, 0x32436D, 0x3B496C,
            0x434E6C, 0x4B546C, 0x535A6D, 0x5A5F6E, 0x61656F, 0x686A71, 0x6F7073, 0x767676,
            0x7D7C78, 0x838179, 0x8B8778, 0x928D78, 0x9A9376, 0xA29975, 0xAAA073, 0xB3A670,
            0xBBAD6D, 0xC3B369, 0xCCBA64, 0xD4C15F, 0xDDC858, 0xE6D051, 0xEFD748, 0xF8DF3C,
            0xFEE838}),
    /** Linear black to white. */
    GRAYS("Grays", new int[] {0x000000, 0xFFFFFF});

    /** Entries in each lookup table. */
    public static final int SIZE = 256;

    private final String label;
    private final int[] lut = new int[SIZE];
    private final Color[] colors = new Color[SIZE];

    ColorMap(String label, int[] anchors) {
        this.label = label;
        int segments = anchors.length - 1;
        for (int k = 0; k < SIZE; k++) {
            double pos = k * (double) segments / (SIZE - 1);
            int j = Math.min((int) pos, segments - 1);
            double t = pos - j;
            int r = mix(anchors[j] >> 16, anchors[j + 1] >> 16, t);
            int g = mix(anchors[j] >> 8, anchors[j + 1] >> 8, t);
            int b = mix(anchors[j], anchors[j + 1], t);
            lut[k] = 0xFF000000 | r << 16 | g << 8 | b;
            colors[k] = Color.rgb(r, g, b);
        }
    }

    private static int mix(int a, int b, double t) {
        int ca = a & 0xFF;
        int cb = b & 0xFF;
        return (int) Math.round(ca + (cb - ca) * t);
    }

    /** The name shown in menus, e.g. "Viridis". */
    public String label() {
        return label;
    }

    /** The opaque ARGB colour at {@code u}, clamped to [0, 1]; NaN gives transparent {@code 0x00000000}. */
    public int argb(double u) {
        if (Double.isNaN(u)) {
            return 0;
        }
        return lut[index(u)];
    }

    /** The colour at {@code u}, clamped to [0, 1]; NaN gives {@link Color#TRANSPARENT}. No allocation. */
    public Color color(double u) {
        if (Double.isNaN(u)) {
            return Color.TRANSPARENT;
        }
        return colors[index(u)];
    }

    private static int index(double u) {
        double c = u < 0 ? 0 : Math.min(u, 1);
        return (int) Math.round(c * (SIZE - 1));
    }
}
