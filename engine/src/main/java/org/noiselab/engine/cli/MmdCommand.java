package org.noiselab.engine.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.io.CsvPoints;
import org.noiselab.engine.metric.Mmd;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code noiselab mmd}: the MMD of a samples file against fresh draws from a dataset. */
@Command(name = "mmd", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the MMD of samples against as many fresh data draws.",
            "The CDL reference's estimator: Gaussian kernel exp(-d^2/(2 bw))/sqrt(2 pi bw),",
            "unbiased within-set terms, biased cross term."})
final class MmdCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--samples", paramLabel = "FILE", required = true, description = "CSV of samples (with a header line).")
    Path samples;

    @Option(names = "--dataset", paramLabel = "NAME", required = true, description = "Dataset to compare against.")
    String dataset;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the data draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--bandwidth", paramLabel = "BW", defaultValue = "0.03", description = "Kernel variance (default: ${DEFAULT-VALUE}).")
    double bandwidth;

    /** The most sample rows: the estimator is quadratic (50,000 rows take about a minute on 2 cores). */
    static final int MAX_ROWS = 50_000;

    @Override
    public Integer call() throws IOException {
        Mmd.checkBandwidth(bandwidth);
        ToyDataset d = ToyDatasets.byName(dataset);
        CsvPoints.Table t = CsvPoints.read(samples);
        if (t.dim() != d.dim()) {
            throw new InvalidConfigException("--samples", samples, "has " + t.dim() + " columns; " + d.name()
                    + " is " + d.dim() + "D");
        }
        if (t.rows() < 2 || t.rows() > MAX_ROWS) {
            throw new InvalidConfigException("--samples", samples, "needs 2 to " + MAX_ROWS + " points (the MMD costs"
                    + " the square of the count), has " + t.rows());
        }
        float[] data = d.sample(t.rows(), seed).pointsAsFloats();
        double mmd = Mmd.mmd(t.values(), t.rows(), data, t.rows(), d.dim(), bandwidth);
        spec.commandLine().getOut().printf("%.6f%n", mmd);
        return 0;
    }
}
