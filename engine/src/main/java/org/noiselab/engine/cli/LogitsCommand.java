package org.noiselab.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.io.AtomicFiles;
import org.noiselab.engine.io.CsvPoints;
import org.noiselab.engine.metric.LogitCurves;
import org.noiselab.engine.model.ExactNoiseClassifier;
import org.noiselab.engine.model.NoiseLevelClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code noiselab logits}: a classification diffusion model's logit curves across noise levels (CDM figure 3). */
@Command(name = "logits",
        header = "Logit curves log p(t'|x_t) of a classification diffusion model beside the exact ones (CSV).",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Logit curves of a classification diffusion model (the CDM paper's figure 3): the clean point",
            "--x is noised to each level --t, and log p(t'|x_t) is written for every level t' beside the exact curve",
            "of the dataset's true noise-level classifier.",
            "  noiselab logits --checkpoint g-cdm.nlab --x 5 --t 200,400,600,800 --out logits.csv",
            "CSV columns: x[,y], t, level, model_logp, exact_logp."})
final class LogitsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelSource source;

    @Option(names = "--x", paramLabel = "X[,Y]", required = true,
            description = "Clean point(s) x_0, coordinates separated by commas; repeat for several points.")
    List<String> points;

    @Option(names = "--t", paramLabel = "T1,T2,...", split = ",", defaultValue = "200,400,600,800",
            description = "Levels to noise each point to (default: ${DEFAULT-VALUE}).")
    int[] levels;

    @Option(names = "--draws", paramLabel = "K", defaultValue = "1",
            description = "Noise draws averaged per curve (default: ${DEFAULT-VALUE}).")
    int draws;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "CSV file to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
        AtomicFiles.checkTargets(out);
        ModelSource.Resolved m = source.resolve();
        NoiseLevelClassifier model = m.requireClassifier("logits");
        NoiseLevelClassifier exact = new ExactNoiseClassifier(m.dataset(), m.schedule());
        int d = model.dim();
        if (draws < 1 || draws > 100_000) {
            throw new InvalidConfigException("--draws", draws, "must lie in 1..100000");
        }
        List<float[]> x0s = new ArrayList<>();
        for (String p : points) {
            x0s.add(parsePoint(p, d));
        }
        for (int t : levels) {
            if (t < 0 || t >= model.levels()) {
                throw new InvalidConfigException("--t", t, "levels run from 0 to " + (model.levels() - 1));
            }
        }
        PrintWriter console = spec.commandLine().getOut();
        console.printf("%-16s %6s %10s %10s %10s %12s%n", "x0", "t", "argmax", "exact max", "monotone", "far excess");
        AtomicFiles.writeText(out, w -> {
            w.write(d == 1 ? "x,t,level,model_logp,exact_logp\n" : "x,y,t,level,model_logp,exact_logp\n");
            for (float[] x0 : x0s) {
                StringBuilder prefix = new StringBuilder();
                for (float v : x0) {
                    prefix.append(CsvPoints.format(v)).append(',');
                }
                for (int t : levels) {
                    double[] curve = LogitCurves.curve(model, m.schedule(), x0, t, draws, seed);
                    double[] truth = LogitCurves.curve(exact, m.schedule(), x0, t, draws, seed);
                    for (int u = 0; u < curve.length; u++) {
                        w.write(prefix + Integer.toString(t) + "," + u + "," + CsvPoints.format(curve[u]) + ","
                                + CsvPoints.format(truth[u]) + "\n");
                    }
                    console.printf("%-16s %6d %10d %10d %10.3f %12.2f%n", prefix.substring(0, prefix.length() - 1),
                            t, argmax(curve), argmax(truth), LogitCurves.monotoneFraction(curve),
                            LogitCurves.farExcess(curve, truth, t, 300));
                }
            }
        });
        console.printf("wrote %s (%d curves of %d levels)%n", out, x0s.size() * levels.length, model.levels());
        return 0;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            best = v[i] > v[best] ? i : best;
        }
        return best;
    }

    private static float[] parsePoint(String text, int dim) {
        String[] parts = text.split(",");
        if (parts.length != dim) {
            throw new InvalidConfigException("--x", text, "needs " + dim + " coordinate(s) for this model");
        }
        float[] p = new float[dim];
        for (int j = 0; j < dim; j++) {
            try {
                p[j] = Float.parseFloat(parts[j].trim());
            } catch (NumberFormatException e) {
                throw new InvalidConfigException("--x", text, "'" + parts[j] + "' is not a number");
            }
            if (!Float.isFinite(p[j]) || Math.abs(p[j]) > 1e6) {
                throw new InvalidConfigException("--x", text, "coordinates must be finite and below 1e6");
            }
        }
        return p;
    }
}
