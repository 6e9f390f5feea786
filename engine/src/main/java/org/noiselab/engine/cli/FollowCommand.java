package org.noiselab.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.io.RunFolder;
import org.noiselab.engine.metric.Mmd;
import org.noiselab.engine.model.ClassifierSpec;
import org.noiselab.engine.model.ConvClassifierSpec;
import org.noiselab.engine.sample.DiffusionProblem;
import org.noiselab.engine.sample.SampleResult;
import org.noiselab.engine.sample.SamplerSpec;
import org.noiselab.engine.sample.Samplers;
import org.noiselab.engine.sample.SamplingRequest;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code noiselab follow DIR}: follows a training run's folder (as the PyTorch trainer writes it), validating each
 * new checkpoint as it appears and printing its step and loss, and for a toy denoiser the MMD of fresh samples
 * against the data, until the run ends.
 */
@Command(name = "follow", mixinStandardHelpOptions = true,
        description = "Follow a training run's folder (python -m noiselab_torch.train --out DIR): check and describe "
                + "each new checkpoint until the run ends.")
final class FollowCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The run folder.")
    Path dir;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2",
            description = "How often to look for a new checkpoint (default: ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = "--once", description = "Describe the newest checkpoint and the run's status, then stop.")
    boolean once;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "Stop after this long even if the run goes on (0, the default: no limit).")
    double timeout;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "1000",
            description = "Samples (DDIM, 100 steps) for a toy model's MMD against the data; 0 skips it "
                    + "(default: ${DEFAULT-VALUE}).")
    int samples;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!(interval >= 0.05 && interval <= 3600)) {
            throw new InvalidConfigException("--interval", interval, "must be between 0.05 and 3600 seconds");
        }
        if (!(timeout >= 0)) {
            throw new InvalidConfigException("--timeout", timeout, "must be 0 (no limit) or positive");
        }
        if (samples < 0 || samples > 100_000) {
            throw new InvalidConfigException("--samples", samples, "must be between 0 and 100000");
        }
        PrintWriter out = spec.commandLine().getOut();
        long deadline = timeout == 0 ? Long.MAX_VALUE : System.nanoTime() + (long) (timeout * 1e9);
        long reported = -1;
        while (true) {
            // the status first: a run that has ended wrote its last checkpoint before saying so
            Optional<RunFolder.Status> status = RunFolder.status(dir);
            Optional<RunFolder.Saved> newest = RunFolder.newest(dir);
            if (newest.isPresent() && newest.get().step() != reported) {
                describe(newest.get(), status, out);
                reported = newest.get().step();
            }
            if (status.isPresent() && status.get().ended() || once) {
                return finish(status, reported, out);
            }
            if (System.nanoTime() > deadline) {
                out.printf("follow: stopped after %.0f s; the run is still %s%n", timeout,
                        status.map(RunFolder.Status::state).orElse("not started"));
                out.flush();
                return 0;
            }
            out.flush();
            Thread.sleep((long) (interval * 1000));
        }
    }

    private int finish(Optional<RunFolder.Status> status, long reported, PrintWriter out) {
        if (status.isEmpty()) {
            out.printf("run %s: no %s yet%s%n", dir, RunFolder.STATUS, reported < 0 ? " and no checkpoint" : "");
            out.flush();
            return 0;
        }
        RunFolder.Status s = status.get();
        out.printf("run %s: %s at step %d of %d on %s%s%s%n", dir, s.state(), s.step(), s.steps(), s.device(),
                s.worldSize() > 1 ? " x" + s.worldSize() : "", s.message().isEmpty() ? "" : " (" + s.message() + ")");
        out.flush();
        return "failed".equals(s.state()) ? 1 : 0;
    }

    private void describe(RunFolder.Saved saved, Optional<RunFolder.Status> status, PrintWriter out)
            throws IOException {
        Checkpoint c = CheckpointIO.load(saved.file());
        float[] losses = c.state().lossHistory();
        String loss = losses.length == 0 ? "-" : String.format("%.5g", recentMean(losses));
        String mmd = mmd(c);
        out.printf("step %d of %d  loss %s%s  %s%s%n", c.state().step(), c.setup().config().steps(), loss,
                mmd.isEmpty() ? "" : "  mmd " + mmd, saved.file().getFileName(),
                status.map(s -> "  (" + s.device() + (s.worldSize() > 1 ? " x" + s.worldSize() : "") + ")")
                        .orElse(""));
    }

    /** The mean loss of the last (at most) 100 steps. */
    private static double recentMean(float[] losses) {
        int from = Math.max(0, losses.length - 100);
        double sum = 0;
        for (int i = from; i < losses.length; i++) {
            sum += losses[i];
        }
        return sum / (losses.length - from);
    }

    /** MMD of DDIM samples of a toy denoiser against as many data points; empty for other models. */
    private String mmd(Checkpoint c) {
        if (samples == 0 || !ToyDatasets.exists(c.setup().dataset()) || c.setup().model() instanceof ClassifierSpec
                || c.setup().model() instanceof ConvClassifierSpec) {
            return "";
        }
        ToyDataset d = ToyDatasets.byName(c.setup().dataset());
        SampleResult r = Samplers.create(new SamplerSpec.Ddim(100, 0)).sample(
                new DiffusionProblem(c.emaDenoiser(), c.schedule()),
                SamplingRequest.of(samples, c.setup().seeds().sample()));
        float[] data = d.sample(samples, c.setup().seeds().data() ^ 0x5DEECE66DL).pointsAsFloats();
        return String.format("%.5f", Mmd.mmd(r.points(), samples, data, samples, d.dim()));
    }
}
