package org.noiselab.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.io.AtomicFiles;
import org.noiselab.engine.metric.Mmd;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.sample.DiffusionProblem;
import org.noiselab.engine.sample.PicardIteration;
import org.noiselab.engine.sample.PicardSampler;
import org.noiselab.engine.sample.PicardSpec;
import org.noiselab.engine.sample.SampleResult;
import org.noiselab.engine.sample.SamplingRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import static org.noiselab.engine.io.CsvPoints.format;

/** {@code noiselab picard}: Picard (ParaDiGMS) sampling with one CSV row per iteration. */
@Command(name = "picard", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sample with Picard iteration (ParaDiGMS) and record every iteration.",
            "CSV rows: iteration,window_start,converged_steps,model_evaluations,mmd,max_residual",
            "(model_evaluations: slot evaluations per sample so far; mmd: the current final state against as many",
            "data draws; max_residual: largest RMS change of a slot in the iteration).",
            "  noiselab picard --checkpoint dino.nlab --n 2000 --tol 0.1 --window 1000 --seed 0 --out picard.csv"})
final class PicardCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelSource source;

    @Mixin
    GuidanceOptions guidance;

    @Option(names = "--n", paramLabel = "N", defaultValue = "2000", description = "Samples (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--steps", paramLabel = "K", description = "Sampling steps (default: the model's T).")
    Integer steps;

    @Option(names = "--tol", paramLabel = "TAU", defaultValue = "0.1", description = "Convergence tolerance (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--window", paramLabel = "P", defaultValue = "0",
            description = "Slots per iteration; 0 or >= steps for all (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--drift", paramLabel = "ddpm|ddim", defaultValue = "ddpm", description = "Sequential update (default: ${DEFAULT-VALUE}).")
    String drift;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the initial and per-step noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--bandwidth", paramLabel = "BW", defaultValue = "0.03", description = "MMD kernel variance (default: ${DEFAULT-VALUE}).")
    double bandwidth;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "CSV of iterations.")
    Path out;

    @Option(names = "--trajectories", paramLabel = "FILE", description = "Also write the states of tracked samples: iteration,sample,slot,x[,y].")
    Path trajectories;

    @Option(names = "--grid", paramLabel = "FILE.png",
            description = "Image models: write the final samples as a PNG grid (their MMD column stays empty).")
    Path grid;

    @Option(names = "--track", paramLabel = "M", defaultValue = "5", description = "Samples tracked for --trajectories (default: ${DEFAULT-VALUE}).")
    int track;

    /** The most values Picard's trajectory may hold (2 GB of floats). */
    static final long MAX_STATE_VALUES = 1L << 29;

    @Override
    public Integer call() throws IOException {
        AtomicFiles.checkTargets(out, trajectories, grid);
        Mmd.checkBandwidth(bandwidth);
        if (n < 2 || n > SamplingRequest.MAX_SAMPLES) {
            throw new InvalidConfigException("--n", n, "must lie in 2.." + SamplingRequest.MAX_SAMPLES);
        }
        if (track < 0 || (trajectories != null && track > n)) {
            throw new InvalidConfigException("--track", track, "must lie in 0..--n (" + n + ")");
        }
        ModelSource.Resolved m = source.resolve();
        int k = steps != null ? steps : m.schedule().steps();
        PicardSpec.Drift d = switch (drift) {
            case "ddpm" -> PicardSpec.Drift.DDPM;
            case "ddim" -> PicardSpec.Drift.DDIM;
            default -> throw new InvalidConfigException("--drift", drift, "expected ddpm or ddim");
        };
        if (k > m.schedule().steps()) {
            throw new InvalidConfigException("--steps", k, "cannot exceed the model's " + m.schedule().steps() + " steps");
        }
        PicardSpec picard = new PicardSpec(k, window >= k ? 0 : window, tolerance, d);
        Denoiser denoiser = guidance.denoiser(m.denoiser());
        int dim = denoiser.dim();
        if ((long) (k + 1) * n * dim > MAX_STATE_VALUES) {
            throw new InvalidConfigException("--n", n, "Picard keeps " + (k + 1) + " states of " + dim
                    + " values per sample: at most " + MAX_STATE_VALUES / ((long) (k + 1) * dim) + " samples fit");
        }
        if (grid != null && m.image() == null) {
            throw new InvalidConfigException("--grid", grid, "needs an image model");
        }
        float[] data = m.image() != null ? null : guidance.referenceData(m.dataset(), n, seed ^ 0x5DEECE66DL);
        int[] tracked = new int[trajectories == null ? 0 : track];
        for (int i = 0; i < tracked.length; i++) {
            tracked[i] = i;
        }
        List<PicardIteration> iterations = new ArrayList<>();
        int[] count = {0};
        PrintWriter console = spec.commandLine().getOut();
        long start = System.nanoTime();
        SampleResult[] result = new SampleResult[1];
        AtomicFiles.writeText(out, w -> {
            w.write("iteration,window_start,converged_steps,model_evaluations,mmd,max_residual\n");
            result[0] = new PicardSampler(picard).sample(new DiffusionProblem(denoiser, m.schedule()),
                    guidance.request(n, seed), tracked, it -> {
                        double mmd = data == null ? Double.NaN : Mmd.mmd(it.finalState(), n, data, n, dim, bandwidth);
                        try {
                            w.write(it.iteration() + "," + it.windowStart() + "," + it.converged() + ","
                                    + it.evaluations() + "," + (data == null ? "" : format(mmd)) + ","
                                    + format(it.maxResidual()) + "\n");
                            w.flush();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        count[0]++;
                        if (trajectories != null) {
                            iterations.add(it);
                        }
                        console.printf("iteration %3d: converged %4d/%d steps, %7d evaluations%s%n",
                                it.iteration(), it.converged(), k, it.evaluations(),
                                data == null ? "" : String.format(", MMD %.5f", mmd));
                        console.flush();
                    });
        });
        SampleResult r = result[0];
        console.printf("picard: %d iterations, %d model evaluations per sample (sequential: %d), %.1f s%n",
                count[0], r.evaluations(), k, (System.nanoTime() - start) / 1e9);
        if (grid != null) {
            org.noiselab.engine.data.ImageShape s = m.image();
            org.noiselab.engine.image.ImageGrid.writePng(r.points(), 0, r.n(), s.channels(), s.height(), s.width(),
                    Math.min(8, r.n()), 2, 2, grid);
            console.printf("wrote the final samples to %s%n", grid);
        }
        if (trajectories != null) {
            writeTrajectories(iterations, tracked, dim);
        }
        console.printf("wrote %s%s%n", out, trajectories == null ? "" : " and " + trajectories);
        return 0;
    }

    private void writeTrajectories(List<PicardIteration> iterations, int[] tracked, int dim) throws IOException {
        AtomicFiles.writeText(trajectories, w -> {
            w.write(dim == 1 ? "iteration,sample,slot,x\n" : dim == 2 ? "iteration,sample,slot,x,y\n"
                    : "iteration,sample,slot,values...\n");
            for (PicardIteration it : iterations) {
                for (int t = 0; t < tracked.length; t++) {
                    float[] path = it.trajectories()[t];
                    for (int slot = 0; slot < path.length / dim; slot++) {
                        StringBuilder line = new StringBuilder();
                        line.append(it.iteration()).append(',').append(tracked[t]).append(',').append(slot);
                        for (int c = 0; c < dim; c++) {
                            line.append(',').append(format(path[slot * dim + c]));
                        }
                        w.write(line.append('\n').toString());
                    }
                }
            }
        });
    }
}
