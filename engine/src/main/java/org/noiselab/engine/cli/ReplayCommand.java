package org.noiselab.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.data.TrainingData;
import org.noiselab.engine.io.AtomicFiles;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.kernel.Parallelism;
import org.noiselab.engine.train.TrainingControl;
import org.noiselab.engine.train.TrainingLoop;
import org.noiselab.engine.train.TrainingSession;
import org.noiselab.engine.train.TrainingSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code noiselab replay}: retrains a run from its manifest and checks that it reproduces the recorded losses. */
@Command(name = "replay",
        header = "Retrain a run from its checkpoint or manifest and compare the losses step by step.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Retrain a run from its checkpoint or its .manifest.json (same setup, seeds and kernel threads)",
            "and check that every step's loss matches the record. Exit code 0 when it does, 1 when it does not.",
            "Image runs need the images they trained on (--dataset, --data, --held-out as in train); fine-tuned runs",
            "need the checkpoint they started from (--init), which is checked against the recorded digest.",
            "  noiselab replay dino.nlab",
            "  noiselab replay mnist.nlab --dataset mnist --data DIR --held-out 2000"})
final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A checkpoint (.nlab) or its manifest (.manifest.json).")
    Path file;

    @Option(names = "--out", paramLabel = "FILE", description = "Also save the replayed run.")
    Path out;

    @Mixin
    RunDataOptions runData;

    @Option(names = "--init", paramLabel = "FILE.nlab",
            description = "Fine-tuned runs: the checkpoint the run started from.")
    Path init;

    @Override
    public Integer call() throws IOException {
        AtomicFiles.checkTargets(out);
        TrainingSetup setup;
        int step;
        String expectedSha;
        float[] recorded = null;
        float[] recordedParameters = null;
        int threads;
        if (file.getFileName().toString().endsWith(".json")) {
            CheckpointIO.RunManifest m = CheckpointIO.readManifest(file);
            setup = m.setup();
            step = m.step();
            expectedSha = m.lossHistorySha256();
            threads = m.kernelThreads();
        } else {
            Checkpoint c = CheckpointIO.load(file);
            setup = c.setup();
            step = c.state().step();
            recorded = c.state().lossHistory();
            recordedParameters = c.state().parameters();
            expectedSha = CheckpointIO.lossHistorySha256(recorded);
            threads = CheckpointIO.kernelThreads(file);
        }
        PrintWriter console = spec.commandLine().getOut();
        TrainingData data = runData.of(setup);
        if (threads > 0) {
            Parallelism.setThreads(threads);
        }
        console.printf("replaying %d steps of %s on %s with %d kernel thread(s)%n", step, setup.objective().kind(),
                setup.dataset(), Parallelism.threads());
        TrainingSession session = setup.init() == null ? TrainingSession.start(setup, data)
                : TrainingSession.startFrom(setup, data, startingWeights(setup.init()));
        TrainingLoop.run(session, step, new TrainingControl(), List.of(new ConsoleProgress(console,
                Math.max(1, step / 10))));
        float[] losses = session.lossHistory();
        boolean identical = CheckpointIO.lossHistorySha256(losses).equals(expectedSha);
        if (recorded != null) {
            int differing = 0;
            double maxDiff = 0;
            for (int i = 0; i < step; i++) {
                double d = Math.abs(losses[i] - recorded[i]);
                if (d > 0) {
                    differing++;
                }
                maxDiff = Math.max(maxDiff, d);
            }
            double paramDiff = 0;
            float[] p = session.state().parameters();
            for (int i = 0; i < p.length; i++) {
                paramDiff = Math.max(paramDiff, Math.abs(p[i] - recordedParameters[i]));
            }
            console.printf("losses differing from the record: %d of %d (max |diff| %.3g); weights max |diff| %.3g%n",
                    differing, step, maxDiff, paramDiff);
        }
        if (out != null) {
            CheckpointIO.save(CheckpointIO.of(setup, session.state(), java.util.Map.of()), out);
            console.printf("saved the replayed run to %s%n", out);
        }
        console.println(identical ? "replay reproduces the recorded loss curve exactly"
                : "replay DIFFERS from the recorded loss curve");
        console.flush();
        return identical ? 0 : 1;
    }

    /** The weights a fine-tuned run started from: {@code --init}'s EMA weights, checked against the record. */
    private float[] startingWeights(TrainingSetup.InitialWeights start) throws IOException {
        if (init == null) {
            throw new InvalidConfigException("--init", null, "the run fine-tuned " + start.source() + " (step "
                    + start.step() + "): pass that checkpoint");
        }
        float[] weights = CheckpointIO.load(init).state().emaParameters();
        if (!CheckpointIO.parametersSha256(weights).equals(start.parametersSha256())) {
            throw new InvalidConfigException("--init", init, "holds other weights than the run started from ("
                    + start.source() + ", step " + start.step() + ")");
        }
        return weights;
    }
}
