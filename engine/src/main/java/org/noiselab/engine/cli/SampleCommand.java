package org.noiselab.engine.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.data.ImageShape;
import org.noiselab.engine.image.ImageGrid;
import org.noiselab.engine.io.AtomicFiles;
import org.noiselab.engine.io.CsvPoints;
import org.noiselab.engine.sample.DiffusionProblem;
import org.noiselab.engine.sample.SampleResult;
import org.noiselab.engine.sample.SamplerSpec;
import org.noiselab.engine.sample.Samplers;
import org.noiselab.engine.sample.SamplingRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code noiselab sample}: draws samples from a checkpoint or the oracle and writes them as CSV. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw samples with a reverse-process sampler and write them as CSV (header, one point per line).",
            "  noiselab sample --checkpoint dino.nlab --sampler ddpm --steps 1000 --n 2000 --out samples.csv",
            "  noiselab sample --model oracle --dataset dino --sampler heun --steps 25 --out exact.csv",
            "  noiselab sample --model oracle --dataset three-class --class 0 --guidance 3 --out guided.csv"})
final class SampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelSource source;

    @Mixin
    GuidanceOptions guidance;

    @Option(names = "--sampler", paramLabel = "NAME", defaultValue = "ddpm",
            description = "One of " + SamplerSpec.NAMES + " (default: ${DEFAULT-VALUE}).")
    String sampler;

    @Option(names = "--steps", paramLabel = "K",
            description = "Sampling steps (default: T for ddpm, 100 for ddim and langevin, 25 for dpm2, heun, euler).")
    Integer steps;

    @Option(names = "--n", paramLabel = "N", defaultValue = "2000", description = "Number of samples (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of all sampling noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--eta", paramLabel = "ETA", defaultValue = "0", description = "DDIM noise scale, 0 = deterministic (default: ${DEFAULT-VALUE}).")
    double eta;

    @Option(names = "--langevin-steps", paramLabel = "M", defaultValue = "10", description = "Langevin steps per noise level (default: ${DEFAULT-VALUE}).")
    int langevinSteps;

    @Option(names = "--snr", paramLabel = "R", defaultValue = "0.16", description = "Langevin signal-to-noise ratio (default: ${DEFAULT-VALUE}).")
    double snr;

    @Option(names = "--out", paramLabel = "FILE", required = true,
            description = "CSV file to write; for an image model, a .png file gets a grid of the images instead.")
    Path out;

    @Option(names = "--columns", paramLabel = "K", defaultValue = "8",
            description = "Images per row of a PNG grid (default: ${DEFAULT-VALUE}).")
    int columns;

    @Override
    public Integer call() throws IOException {
        AtomicFiles.checkTargets(out);
        ModelSource.Resolved m = source.resolve();
        SamplerSpec s = samplerSpec(m.schedule().steps());
        SampleResult r = Samplers.create(s).sample(new DiffusionProblem(guidance.denoiser(m.denoiser()), m.schedule()),
                guidance.request(n, seed)).requireFinite();
        boolean png = out.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png");
        if (png) {
            ImageShape image = m.image();
            if (image == null) {
                throw new InvalidConfigException("--out", out, "a PNG grid needs an image model; write .csv points");
            }
            if (columns < 1) {
                throw new InvalidConfigException("--columns", columns, "must be at least 1");
            }
            ImageGrid.writePng(r.points(), 0, r.n(), image.channels(), image.height(), image.width(), columns, 2, 2,
                    out);
        } else {
            CsvPoints.write(out, CsvPoints.defaultColumns(r.dim()), r.points(), r.n());
        }
        spec.commandLine().getOut().printf("wrote %d samples from %s (%s, %d steps%s, %d model evaluations) to %s%n",
                r.n(), m.label(), s.kind(), s.steps(), guidance.describe(), r.evaluations(), out);
        return 0;
    }

    private SamplerSpec samplerSpec(int trainingSteps) {
        int k = steps != null ? steps : switch (sampler) {
            case "ddpm" -> trainingSteps;
            case "ddim", "langevin" -> Math.min(100, trainingSteps);
            default -> Math.min(25, trainingSteps);
        };
        return switch (sampler) {
            case "ddim" -> new SamplerSpec.Ddim(k, eta);
            case "langevin" -> new SamplerSpec.Langevin(k, langevinSteps, snr);
            case "ddpm", "dpm2", "heun", "euler" -> SamplerSpec.parse(sampler, k);
            default -> throw new InvalidConfigException("--sampler", sampler, "expected one of " + SamplerSpec.NAMES);
        };
    }
}
