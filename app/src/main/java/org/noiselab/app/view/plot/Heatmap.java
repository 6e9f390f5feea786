package org.noiselab.app.view.plot;

import java.util.Arrays;

/**
 * A grid of cell values drawn as coloured rectangles. {@code values} is row-major: row {@code r} is the r-th cell
 * counted from {@code yMin} upward, column {@code c} the c-th from {@code xMin} rightward, and cell (c, r) covers
 * {@code [xMin + c*dx, xMin + (c+1)*dx] x [yMin + r*dy, yMin + (r+1)*dy]} with {@code dx = (xMax - xMin)/nx}.
 * A value maps to the colour at {@code (v - lo)/(hi - lo)}, or with {@code logScale} (which needs {@code lo > 0}) at
 * {@code (log10 v - log10 lo)/(log10 hi - log10 lo)}; NaN cells are transparent.
 */
public record Heatmap(double[] values, int nx, int ny, double xMin, double xMax, double yMin, double yMax,
        ColorMap map, double lo, double hi, boolean logScale) {

    /** Values at or below this count as this in log scale. */
    private static final double TINY = 1e-300;
    /** The largest hi/lo ratio {@link #robustRange} returns for log scale. */
    private static final double MAX_DECADES_RATIO = 1e6;
    private static final double PERCENTILE = 0.995;

    /** Checks the shape and the ranges. */
    public Heatmap {
        if (nx < 1 || ny < 1 || values.length < (long) nx * ny) {
            throw new IllegalArgumentException("need " + nx + " x " + ny + " values, got " + values.length);
        }
        if (!(xMax > xMin) || !(yMax > yMin)) {
            throw new IllegalArgumentException("empty data rectangle");
        }
        if (logScale && !(lo > 0)) {
            throw new IllegalArgumentException("log scale needs lo > 0, got " + lo);
        }
    }

    /** The position of {@code v} in the colour range, unclamped (NaN for NaN). */
    public double unit(double v) {
        if (logScale) {
            double l = Math.log10(lo);
            return (Math.log10(Math.max(v, TINY)) - l) / (Math.log10(hi) - l);
        }
        return (v - lo) / (hi - lo);
    }

    /** The ARGB colour of {@code v}. */
    public int argb(double v) {
        return map.argb(unit(v));
    }

    /** The value of the cell holding data point (x, y), or NaN outside the data rectangle. */
    public double valueAt(double x, double y) {
        if (!(x >= xMin && x <= xMax && y >= yMin && y <= yMax)) {
            return Double.NaN;
        }
        int c = Math.min(nx - 1, (int) ((x - xMin) / (xMax - xMin) * nx));
        int r = Math.min(ny - 1, (int) ((y - yMin) / (yMax - yMin) * ny));
        return values[r * nx + c];
    }

    /**
     * A colour range {lo, hi} that ignores outliers: the smallest finite value and the 99.5th percentile of the
     * finite values. With {@code log} only positive values count, and lo is raised so that hi/lo is at most 1e6.
     * Never returns lo == hi (a flat range is widened); with no usable values returns {0, 1} or {1e-3, 1} for log.
     */
    public static double[] robustRange(double[] values, boolean log) {
        double[] kept = new double[values.length];
        int n = 0;
        for (double v : values) {
            if (Double.isFinite(v) && (!log || v > 0)) {
                kept[n++] = v;
            }
        }
        if (n == 0) {
            return log ? new double[] {1e-3, 1} : new double[] {0, 1};
        }
        Arrays.sort(kept, 0, n);
        double lo = kept[0];
        double pos = PERCENTILE * (n - 1);
        int i = (int) pos;
        double hi = i + 1 < n ? kept[i] + (kept[i + 1] - kept[i]) * (pos - i) : kept[n - 1];
        if (log) {
            lo = Math.max(lo, hi / MAX_DECADES_RATIO);
            if (!(hi > lo)) {
                return new double[] {lo / 10, hi * 10};
            }
        } else if (!(hi > lo)) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.05;
            return new double[] {lo - pad, hi + pad};
        }
        return new double[] {lo, hi};
    }
}
