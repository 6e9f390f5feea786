package org.noiselab.engine.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.io.AtomicFiles;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.io.ModelTensors;
import org.noiselab.engine.io.Safetensors;
import org.noiselab.engine.model.ModelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code noiselab export}: a checkpoint's weights as a standalone safetensors file (PyTorch Linear layout). */
@Command(name = "export",
        header = "Write a checkpoint's weights as a safetensors file.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a checkpoint's weights as a safetensors file: layers.{l}.weight [out, in],",
            "layers.{l}.bias [out], class_embedding.weight [classes + 1, width]; the architecture in the metadata.",
            "  noiselab export --checkpoint dino.nlab --out dino.safetensors"})
final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", paramLabel = "FILE", required = true, description = "Checkpoint to export.")
    Path checkpoint;

    @Option(names = "--weights", paramLabel = "ema|raw", defaultValue = "ema", description = "Which weights (default: ${DEFAULT-VALUE}).")
    String weights;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Safetensors file to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
        AtomicFiles.checkTargets(out);
        Checkpoint c = CheckpointIO.load(checkpoint);
        float[] params = switch (weights) {
            case "ema" -> c.state().emaParameters();
            case "raw" -> c.state().parameters();
            default -> throw new InvalidConfigException("--weights", weights, "expected ema or raw");
        };
        ModelSpec m = c.setup().model();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("noiselab.model", m.toString());
        meta.put("noiselab.dataset", c.setup().dataset());
        byte[] bytes = Safetensors.write(ModelTensors.toTensors(m, params, ""), meta);
        AtomicFiles.write(out, stream -> stream.write(bytes));
        spec.commandLine().getOut().printf("wrote %s weights of %s (%d parameters) to %s%n", weights, checkpoint,
                params.length, out);
        return 0;
    }
}
