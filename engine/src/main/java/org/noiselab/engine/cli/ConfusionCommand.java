package org.noiselab.engine.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.io.AtomicFiles;
import org.noiselab.engine.io.CsvPoints;
import org.noiselab.engine.metric.ClassifierEvaluation;
import org.noiselab.engine.model.ExactNoiseClassifier;
import org.noiselab.engine.model.NoiseLevelClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code noiselab confusion}: accuracy, cross-entropy and confusion matrix of a noise-level classifier. */
@Command(name = "confusion",
        header = "Accuracy, cross-entropy and confusion matrix of a noise-level classifier.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a classification diffusion model as a classifier of noise levels on fresh draws:",
            "accuracy, cross-entropy, squared eps error, and a confusion matrix over bins of levels (rows: true",
            "level, columns: predicted level, each row summing to 1), beside the exact classifier's.",
            "  noiselab confusion --checkpoint g-cdm.nlab --n 20000 --bins 20 --out confusion.csv"})
final class ConfusionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelSource source;

    @Option(names = "--n", paramLabel = "N", defaultValue = "20000", description = "Draws (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--bins", paramLabel = "B", defaultValue = "20", description = "Bins per axis (default: ${DEFAULT-VALUE}).")
    int bins;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", description = "CSV of both matrices: source,true_bin,predicted_bin,fraction.")
    Path out;

    @Override
    public Integer call() throws IOException {
        AtomicFiles.checkTargets(out);
        ModelSource.Resolved m = source.resolve();
        NoiseLevelClassifier model = m.requireClassifier("confusion");
        if (n < 1 || n > 10_000_000) {
            throw new InvalidConfigException("--n", n, "must lie in 1..10000000");
        }
        if (bins < 1 || bins > Math.min(200, model.levels())) {
            throw new InvalidConfigException("--bins", bins, "must lie in 1.." + Math.min(200, model.levels()));
        }
        ClassifierEvaluation e = ClassifierEvaluation.evaluate(model, m.schedule(), m.dataset(), n, bins, seed);
        ClassifierEvaluation x = ClassifierEvaluation.evaluate(new ExactNoiseClassifier(m.dataset(), m.schedule()),
                m.schedule(), m.dataset(), n, bins, seed);
        PrintWriter console = spec.commandLine().getOut();
        console.printf("%-10s %10s %10s %12s%n", "", "accuracy", "CE (nats)", "eps sq err");
        console.printf("%-10s %10.4f %10.4f %12.5f%n", "model", e.accuracy(), e.crossEntropy(), e.squaredError());
        console.printf("%-10s %10.4f %10.4f %12.5f%n", "exact", x.accuracy(), x.crossEntropy(), x.squaredError());
        console.printf("diagonal of the binned confusion matrix (model / exact), %d levels per bin:%n",
                (model.levels() + bins - 1) / bins);
        for (int b = 0; b < bins; b++) {
            console.printf("  bin %3d: %.3f / %.3f%n", b, e.confusionRow(b)[b], x.confusionRow(b)[b]);
        }
        if (out != null) {
            AtomicFiles.writeText(out, w -> {
                w.write("source,true_bin,predicted_bin,fraction\n");
                writeMatrix(w, "model", e);
                writeMatrix(w, "exact", x);
            });
            console.printf("wrote %s%n", out);
        }
        return 0;
    }

    private static void writeMatrix(BufferedWriter w, String source, ClassifierEvaluation e) throws IOException {
        for (int r = 0; r < e.bins(); r++) {
            double[] row = e.confusionRow(r);
            for (int c = 0; c < e.bins(); c++) {
                w.write(source + "," + r + "," + c + "," + CsvPoints.format(row[c]) + "\n");
            }
        }
    }
}
