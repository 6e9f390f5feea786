package org.noiselab.engine.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.io.AtomicFiles;
import org.noiselab.engine.io.BoundedRead;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.io.FileFormatException;
import org.noiselab.engine.io.FiniteTensors;
import org.noiselab.engine.io.ModelTensors;
import org.noiselab.engine.io.Safetensors;
import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.model.layer.Activation;
import org.noiselab.engine.objective.ObjectiveSpec;
import org.noiselab.engine.schedule.ScheduleSpec;
import org.noiselab.engine.train.RunSeeds;
import org.noiselab.engine.train.TrainingConfig;
import org.noiselab.engine.train.TrainingSetup;
import org.noiselab.engine.train.TrainingState;
import org.noiselab.toys.ToyDatasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code noiselab import}: a checkpoint from MLP weights in a safetensors file written by any tool. */
@Command(name = "import",
        header = "Build a checkpoint from a safetensors file of the toy MLP.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Build a checkpoint from a safetensors file of the toy MLP (PyTorch Linear layout, F32):",
            "layers.{l}.weight [out, in] and layers.{l}.bias [out] for l = 0..depth, plus class_embedding.weight",
            "[classes + 1, width] for a conditional model. Every tensor must match the architecture given here.",
            "  noiselab import --safetensors model.safetensors --dataset dino --out model.nlab"})
final class ImportCommand implements Callable<Integer> {

    /** Largest safetensors file accepted. */
    static final long MAX_BYTES = 256L << 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--safetensors", paramLabel = "FILE", required = true, description = "Weights to import.")
    Path file;

    @Option(names = "--dataset", paramLabel = "NAME", required = true, description = "The dataset the model is for.")
    String dataset;

    @Option(names = "--width", paramLabel = "W", defaultValue = "128", description = "Hidden units (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--depth", paramLabel = "L", defaultValue = "3", description = "Hidden layers (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "silu", description = "Activation (default: ${DEFAULT-VALUE}).")
    Activation activation;

    @Option(names = "--classes", paramLabel = "C", defaultValue = "0", description = "Conditioning classes (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--schedule", paramLabel = "KIND", defaultValue = "linear", description = "Noise schedule (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--timesteps", paramLabel = "T", defaultValue = "1000", description = "Diffusion steps (default: ${DEFAULT-VALUE}).")
    int timesteps;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Checkpoint to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
        AtomicFiles.checkTargets(out);
        byte[] bytes = BoundedRead.readAll(file, MAX_BYTES);
        int dim = ToyDatasets.byName(dataset).dim();
        MlpSpec model = MlpSpec.defaults(dim).withWidth(width).withDepth(depth).withActivation(activation)
                .withClassCount(classes);
        Safetensors.Contents contents = Safetensors.read(bytes, file.getFileName().toString());
        FiniteTensors.requireUsableWeights(contents.tensors(), file.getFileName().toString());
        float[] params = ModelTensors.fromTensors(model, contents.tensors(), "", file.getFileName().toString());
        if (contents.tensors().size() != ModelTensors.toTensors(model, params, "").size()) {
            throw new InvalidConfigException("--safetensors", file, "holds " + contents.tensors().size()
                    + " tensors; the architecture has " + ModelTensors.toTensors(model, params, "").size());
        }
        TrainingSetup setup = new TrainingSetup(dataset, model, ScheduleSpec.parse(schedule, timesteps),
                new ObjectiveSpec.Ddpm(), TrainingConfig.TOY_DEFAULT, RunSeeds.from(0));
        TrainingState state = new TrainingState(0, params, params.clone(), new float[params.length],
                new float[params.length], new float[0]);
        CheckpointIO.save(CheckpointIO.of(setup, state, Map.of()), out);
        spec.commandLine().getOut().printf("imported %d parameters from %s into %s%n", params.length, file, out);
        return 0;
    }
}
