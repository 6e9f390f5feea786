package org.noiselab.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.io.AtomicFiles;
import org.noiselab.engine.metric.ClassSampleStats;
import org.noiselab.engine.metric.Mmd;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.model.GuidedDenoiser;
import org.noiselab.engine.sample.DiffusionProblem;
import org.noiselab.engine.sample.SamplerSpec;
import org.noiselab.engine.sample.Samplers;
import org.noiselab.engine.sample.SamplingRequest;
import org.noiselab.toys.ToyDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code noiselab guidance-sweep}: what classifier-free guidance does to each class, weight by weight. */
@Command(name = "guidance-sweep",
        header = "Per class and guidance weight: MMD to the class, spread and class accuracy.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sample every class of a conditional model at several guidance weights, with the same seeded",
            "noise for every weight, and report per class and weight: MMD to exact draws of the class, the samples'",
            "spread sqrt(trace Cov) (the diversity guidance trades away) and the fraction the exact Bayes classifier",
            "of the mixture assigns to the class. Writes CSV and prints a table.",
            "  noiselab guidance-sweep --checkpoint datasaurus-cond.nlab --guidance 0,1,2,4 --out sweep.csv"})
final class GuidanceSweepCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelSource source;

    @Option(names = "--guidance", paramLabel = "W1,W2,...", split = ",", defaultValue = "0,0.5,1,2,4",
            description = "Guidance weights (default: ${DEFAULT-VALUE}).")
    double[] weights;

    @Option(names = "--n", paramLabel = "N", defaultValue = "1000", description = "Samples per class and weight (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--steps", paramLabel = "K", defaultValue = "50", description = "DDIM steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the sampling noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "CSV file to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
        AtomicFiles.checkTargets(out);
        ModelSource.Resolved m = source.resolve();
        ToyDataset d = m.dataset();
        Denoiser model = m.denoiser();
        if (model.classCount() == 0 || !d.labelled()) {
            throw new InvalidConfigException("--checkpoint", m.label(), "is unconditional (train with --conditional on"
                    + " a labelled dataset, or use --model oracle --dataset three-class)");
        }
        if (n < 2 || n > 100_000) {
            throw new InvalidConfigException("--n", n, "must lie in 2..100000");
        }
        if (steps < 1 || steps > m.schedule().steps()) {
            throw new InvalidConfigException("--steps", steps, "must lie in 1.." + m.schedule().steps());
        }
        for (double w : weights) {
            GuidedDenoiser.checkWeight("--guidance", w);
        }
        double bandwidth = d.dim() == 1 ? 1.0 : Mmd.DEFAULT_BANDWIDTH;
        PrintWriter console = spec.commandLine().getOut();
        StringBuilder csv = new StringBuilder("class,class_name,w,mmd,spread,class_spread,accuracy\n");
        console.printf("| class | w | MMD to class | spread (class: exact) | accuracy |%n|---|---|---|---|---|%n");
        for (int c = 0; c < d.classCount(); c++) {
            for (double w : weights) {
                Denoiser guided = w == 0 ? model : new GuidedDenoiser(model, w);
                float[] x = Samplers.create(new SamplerSpec.Ddim(steps, 0)).sample(
                        new DiffusionProblem(guided, m.schedule()), SamplingRequest.ofClass(n, seed, c)).points();
                ClassSampleStats s = ClassSampleStats.of(d, c, x, n, bandwidth, seed + 1 + c);
                String name = d.classNames().get(c);
                csv.append(String.join(",", Integer.toString(c), name, Double.toString(w), Double.toString(s.mmd()),
                        Double.toString(s.spread()), Double.toString(s.classSpread()), Double.toString(s.accuracy())))
                        .append('\n');
                console.printf("| %s | %s | %.5f | %.3f (%.3f) | %.1f%% |%n", name, w, s.mmd(), s.spread(),
                        s.classSpread(), 100 * s.accuracy());
                console.flush();
            }
        }
        AtomicFiles.writeText(out, w -> w.append(csv));
        console.printf("wrote %s%n", out);
        return 0;
    }
}
