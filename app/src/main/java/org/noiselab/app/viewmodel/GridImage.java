package org.noiselab.app.viewmodel;

/**
 * A scalar field on a regular grid, ready to draw: {@code values[r * nx + c]} is the cell in column c (from
 * {@code xMin}) and row r (from {@code yMin}).
 *
 * @param values row-major cell values
 * @param nx     columns
 * @param ny     rows
 * @param xMin   left edge
 * @param xMax   right edge
 * @param yMin   bottom edge
 * @param yMax   top edge
 */
public record GridImage(double[] values, int nx, int ny, double xMin, double xMax, double yMin, double yMax) {

    public GridImage {
        if (values.length != nx * ny) {
            throw new IllegalArgumentException("need " + nx * ny + " values, got " + values.length);
        }
    }

    /** Column of a data x, or -1 outside. */
    public int column(double x) {
        int c = (int) Math.floor((x - xMin) / (xMax - xMin) * nx);
        return c < 0 || c >= nx ? -1 : c;
    }

    /** Row of a data y, or -1 outside. */
    public int row(double y) {
        int r = (int) Math.floor((y - yMin) / (yMax - yMin) * ny);
        return r < 0 || r >= ny ? -1 : r;
    }
}
