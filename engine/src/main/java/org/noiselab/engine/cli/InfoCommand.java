package org.noiselab.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.train.TrainingSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code noiselab info}: validates a checkpoint and prints what it holds. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Validate a checkpoint and describe it.")
final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", paramLabel = "FILE", required = true, description = "Checkpoint to inspect.")
    Path checkpoint;

    @Override
    public Integer call() throws IOException {
        Checkpoint c = CheckpointIO.load(checkpoint);
        TrainingSetup s = c.setup();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("checkpoint  %s (valid)%n", checkpoint);
        out.printf("dataset     %s%n", s.dataset());
        out.printf("model       %s%n", s.model());
        out.printf("schedule    %s%n", s.schedule());
        out.printf("objective   %s%n", s.objective().kind());
        out.printf("training    step %d of %d, batch %d, %s%n", c.state().step(), s.config().steps(),
                s.config().batchSize(), s.config().learningRate());
        out.printf("seeds       %s%n", s.seeds());
        out.printf("engine      %s, written %s%n", c.engineVersion(), c.createdAt());
        c.metrics().forEach((k, v) -> out.printf("metric      %s = %.6g%n", k, v));
        return 0;
    }
}
