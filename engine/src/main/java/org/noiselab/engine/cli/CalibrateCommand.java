package org.noiselab.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.io.AtomicFiles;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.objective.LevelCalibration;
import org.noiselab.engine.objective.ObjectiveSpec;
import org.noiselab.engine.train.TrainingSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code noiselab calibrate}: the level calibration of a trained CDM, written to a new checkpoint. */
@Command(name = "calibrate",
        header = "Fit a trained CDM's per-level offsets exactly (sets its single-pass likelihood).",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Minimise the cross-entropy over noise levels exactly over one offset per level, the network",
            "frozen, on fresh draws of the training data, and fold the offsets into the EMA weights. Samples do not",
            "change; the single-pass likelihood does. 'train --objective cdm' does this by default for toys.",
            "Image models need the images they trained on (--dataset, --data, --held-out as in train).",
            "  noiselab calibrate --checkpoint g.nlab --out g-calibrated.nlab",
            "  noiselab calibrate --checkpoint mnist-cdm.nlab --dataset mnist --data DIR --held-out 2000 --per-level 16 \\",
            "      --out mnist-cdm-calibrated.nlab"})
final class CalibrateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", paramLabel = "FILE", required = true,
            description = "An unconditional CDM checkpoint.")
    Path checkpoint;

    @Mixin
    RunDataOptions runData;

    @Option(names = "--per-level", paramLabel = "M", defaultValue = "" + LevelCalibration.DEFAULT_DRAWS_PER_LEVEL,
            description = "Fresh draws per noise level (default: ${DEFAULT-VALUE}).")
    int perLevel;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Checkpoint to write (.nlab).")
    Path out;

    @Override
    public Integer call() throws IOException {
        AtomicFiles.checkTargets(out);
        Checkpoint c = CheckpointIO.load(checkpoint);
        if (!(c.setup().objective() instanceof ObjectiveSpec.Cdm)) {
            throw new InvalidConfigException("--checkpoint", checkpoint, "was trained with "
                    + c.setup().objective().kind() + "; calibration applies to cdm");
        }
        if (c.setup().model().classCount() > 0) {
            throw new InvalidConfigException("--checkpoint", checkpoint, "is conditional on "
                    + c.setup().model().classCount() + " classes; level calibration is for unconditional models");
        }
        LevelCalibration.checkDraws("--per-level", c.setup().schedule().steps() + 2, perLevel);
        TrainingSession session = TrainingSession.resume(c.setup(), runData.of(c.setup()), c.state());
        LevelCalibration.Result r = session.calibrateLevels(perLevel);
        Map<String, Double> metrics = new LinkedHashMap<>(c.metrics());
        metrics.merge("levelCalibrationShift", r.likelihoodShift(), Double::sum);
        CheckpointIO.save(CheckpointIO.of(c.setup(), session.state(), metrics), out);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("level calibration (%d draws per level, %s)%n", perLevel, r.describe());
        o.printf("saved %s%n", out);
        return 0;
    }
}
