package org.noiselab.engine.metric;

import org.noiselab.toys.GaussianMixture;

/**
 * Mean squared eps error of a 1D score-error grid over two regions, the quantities the CDL paper's figure 1 is about:
 * <ul>
 *   <li>off the forward paths: cells with {@code |x| > 12} at steps {@code t < 300} ({@link #OFF_PATH_X},
 *       {@link #OFF_PATH_T}), where no training point of the two-mode Gaussian (modes +-5, unit variance) is ever
 *       noised to, yet where parallel samplers evaluate the model in early iterations;</li>
 *   <li>on the data: cells where the exact noised density is at least 5% of its peak at that step.</li>
 * </ul>
 *
 * @param offPath  mean {@code ||eps_model - eps_exact||^2} off the forward paths
 * @param onData   mean {@code ||eps_model - eps_exact||^2} where the data lives
 * @param offCells cells in the off-path region
 * @param onCells  cells in the data region
 */
public record RegionError(double offPath, double onData, int offCells, int onCells) {

    /** Off-path region: {@code |x|} above this. */
    public static final double OFF_PATH_X = 12;
    /** Off-path region: diffusion steps below this. */
    public static final int OFF_PATH_T = 300;

    /** The two region means of a 1D grid, with the data's exact mixture for the on-data region. */
    public static RegionError of(ScoreErrorGrid grid, GaussianMixture data) {
        if (grid.dim() != 1) {
            throw new IllegalArgumentException("region errors are defined for 1D grids");
        }
        double off = 0;
        double on = 0;
        int offCells = 0;
        int onCells = 0;
        for (int s = 0; s < grid.steps().length; s++) {
            GaussianMixture noised = data.noised(grid.alphaBars()[s]);
            double[] x = new double[grid.n()];
            for (int i = 0; i < grid.n(); i++) {
                x[i] = grid.points()[i];
            }
            double[] log = noised.logDensity(x, grid.n());
            double peak = Double.NEGATIVE_INFINITY;
            for (double v : log) {
                peak = Math.max(peak, v);
            }
            for (int i = 0; i < grid.n(); i++) {
                double e = grid.squaredEpsError(s, i);
                if (Math.abs(x[i]) > OFF_PATH_X && grid.steps()[s] < OFF_PATH_T) {
                    off += e;
                    offCells++;
                }
                if (log[i] >= peak + Math.log(0.05)) {
                    on += e;
                    onCells++;
                }
            }
        }
        return new RegionError(offCells == 0 ? Double.NaN : off / offCells, onCells == 0 ? Double.NaN : on / onCells,
                offCells, onCells);
    }
}
