package org.noiselab.engine.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.io.AtomicFiles;
import org.noiselab.engine.metric.RegionError;
import org.noiselab.engine.metric.ScoreErrorGrid;
import org.noiselab.engine.model.OracleDenoiser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import static org.noiselab.engine.io.CsvPoints.format;

/**
 * {@code noiselab score-grid}: the model's score and noise prediction against the exact ones on a grid. 1D models:
 * x by t (the CDL paper's figure 1). 2D models: the plane at one step.
 */
@Command(name = "score-grid", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write the model's score and eps prediction next to the exact (oracle) ones on a grid.",
            "1D: rows x,t,score_model,score_oracle,eps_model,eps_oracle for t = stride, 2 stride, ..., T.",
            "2D: rows x,y,t,score_model_x,score_model_y,score_oracle_x,score_oracle_y,eps_model_x,eps_model_y,"
                + "eps_oracle_x,eps_oracle_y over the plane at step --t.",
            "The score is -eps / sqrt(1 - abar_t), abar_t = prod_{s<=t} (1 - beta_s)."})
final class ScoreGridCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelSource source;

    @Option(names = "--x-min", paramLabel = "X", description = "Left end of the grid (default: -30 in 1D, the dataset's view in 2D).")
    Double xMin;

    @Option(names = "--x-max", paramLabel = "X", description = "Right end of the grid (default: 30 in 1D).")
    Double xMax;

    @Option(names = "--nx", paramLabel = "N", defaultValue = "241", description = "Grid points along x (default: ${DEFAULT-VALUE}).")
    int nx;

    @Option(names = "--t-stride", paramLabel = "S", defaultValue = "10", description = "1D: step between evaluated t (default: ${DEFAULT-VALUE}).")
    int tStride;

    @Option(names = "--t", paramLabel = "STEP", description = "2D: the diffusion step of the plane.")
    Integer t;

    @Option(names = "--y-min", paramLabel = "Y", description = "2D: bottom of the grid (default: the dataset's view).")
    Double yMin;

    @Option(names = "--y-max", paramLabel = "Y", description = "2D: top of the grid.")
    Double yMax;

    @Option(names = "--ny", paramLabel = "N", defaultValue = "121", description = "2D: grid points along y (default: ${DEFAULT-VALUE}).")
    int ny;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "CSV file to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
        AtomicFiles.checkTargets(out);
        ModelSource.Resolved m = source.resolve();
        int dim = m.denoiser().dim();
        if (nx < 2 || nx > 100_000) {
            throw new InvalidConfigException("--nx", nx, "must lie in 2..100000");
        }
        OracleDenoiser oracle = new OracleDenoiser(m.dataset());
        if (dim == 1) {
            write1d(m, oracle);
        } else if (dim == 2) {
            write2d(m, oracle);
        } else {
            throw new InvalidConfigException("model.dim", dim, "score grids are drawn for 1D and 2D models");
        }
        spec.commandLine().getOut().printf("wrote score grid of %s to %s%n", m.label(), out);
        return 0;
    }

    private void write1d(ModelSource.Resolved m, OracleDenoiser oracle) throws IOException {
        int total = m.schedule().steps();
        if (tStride < 1 || tStride > total) {
            throw new InvalidConfigException("--t-stride", tStride, "must lie in 1.." + total);
        }
        float[] xs = axis(xMin != null ? xMin : -30, xMax != null ? xMax : 30, nx, "--x");
        int[] steps = new int[total / tStride];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = (i + 1) * tStride;
        }
        ScoreErrorGrid g = ScoreErrorGrid.compute(m.denoiser(), oracle, m.schedule(), xs, nx, steps);
        RegionError regions = RegionError.of(g, m.dataset().mixture());
        spec.commandLine().getOut().printf("mean squared eps error: %.5g off the forward paths (|x| > %.0f, t < %d;"
                + " %d cells), %.5g where the data lives (%d cells)%n", regions.offPath(), RegionError.OFF_PATH_X,
                RegionError.OFF_PATH_T, regions.offCells(), regions.onData(), regions.onCells());
        AtomicFiles.writeText(out, w -> {
            w.write("x,t,score_model,score_oracle,eps_model,eps_oracle\n");
            for (int s = 0; s < steps.length; s++) {
                for (int i = 0; i < nx; i++) {
                    w.write(format(xs[i]) + "," + steps[s] + "," + format(g.scoreModel(s, i, 0)) + ","
                            + format(g.scoreOracle(s, i, 0)) + "," + format(g.epsModel()[g.index(s, i, 0)]) + ","
                            + format(g.epsOracle()[g.index(s, i, 0)]) + "\n");
                }
            }
        });
    }

    private void write2d(ModelSource.Resolved m, OracleDenoiser oracle) throws IOException {
        int total = m.schedule().steps();
        if (t == null || t < 1 || t > total) {
            throw new InvalidConfigException("--t", t, "2D grids need --t STEP in 1.." + total);
        }
        if (ny < 2 || ny > 100_000 || (long) nx * ny > 4_000_000) {
            throw new InvalidConfigException("--ny", ny, "must lie in 2..100000 with nx * ny <= 4000000");
        }
        double[] view = m.dataset().viewBounds();
        float[] xs = axis(xMin != null ? xMin : view[0], xMax != null ? xMax : view[1], nx, "--x");
        float[] ys = axis(yMin != null ? yMin : view[2], yMax != null ? yMax : view[3], ny, "--y");
        float[] plane = new float[2 * nx * ny];
        for (int r = 0; r < ny; r++) {
            for (int c = 0; c < nx; c++) {
                plane[2 * (r * nx + c)] = xs[c];
                plane[2 * (r * nx + c) + 1] = ys[r];
            }
        }
        ScoreErrorGrid g = ScoreErrorGrid.compute(m.denoiser(), oracle, m.schedule(), plane, nx * ny, new int[] {t});
        AtomicFiles.writeText(out, w -> {
            w.write("x,y,t,score_model_x,score_model_y,score_oracle_x,score_oracle_y,eps_model_x,eps_model_y,"
                    + "eps_oracle_x,eps_oracle_y\n");
            for (int i = 0; i < nx * ny; i++) {
                StringBuilder line = new StringBuilder();
                line.append(format(plane[2 * i])).append(',').append(format(plane[2 * i + 1])).append(',').append(t);
                for (int j = 0; j < 2; j++) {
                    line.append(',').append(format(g.scoreModel(0, i, j)));
                }
                for (int j = 0; j < 2; j++) {
                    line.append(',').append(format(g.scoreOracle(0, i, j)));
                }
                for (int j = 0; j < 2; j++) {
                    line.append(',').append(format(g.epsModel()[g.index(0, i, j)]));
                }
                for (int j = 0; j < 2; j++) {
                    line.append(',').append(format(g.epsOracle()[g.index(0, i, j)]));
                }
                w.write(line.append('\n').toString());
            }
        });
    }

    private static float[] axis(double lo, double hi, int n, String name) {
        if (!(Double.isFinite(lo) && Double.isFinite(hi) && lo < hi)) {
            throw new InvalidConfigException(name + "-min/max", lo + ".." + hi, "need finite min < max");
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * i / (n - 1));
        }
        return a;
    }
}
