package org.noiselab.engine.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.data.ImageShape;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.model.ClassifierDenoiser;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.model.ExactNoiseClassifier;
import org.noiselab.engine.model.Models;
import org.noiselab.engine.model.NoiseLevelClassifier;
import org.noiselab.engine.model.OracleDenoiser;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.engine.schedule.ScheduleSpec;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;
import picocli.CommandLine.Option;

/**
 * The model a command works with: a checkpoint ({@code --checkpoint F}) or the exact oracle of a dataset
 * ({@code --model oracle --dataset NAME}), with the schedule it was trained on (or the one given for the oracle).
 */
final class ModelSource {

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "A trained checkpoint (.nlab).")
    Path checkpoint;

    @Option(names = "--model", paramLabel = "KIND", description = "'oracle' for the exact denoiser of --dataset.")
    String model;

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "Dataset for the oracle, or to compare a checkpoint against (default: the checkpoint's).")
    String dataset;

    @Option(names = "--weights", paramLabel = "ema|raw", defaultValue = "ema",
            description = "Which checkpoint weights to use: the moving average (default) or the last step's.")
    String weights;

    @Option(names = "--schedule", paramLabel = "KIND", defaultValue = "linear",
            description = "Noise schedule of the oracle: linear, cosine or uniform (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--timesteps", paramLabel = "T", defaultValue = "1000",
            description = "Diffusion steps T of the oracle's schedule (default: ${DEFAULT-VALUE}).")
    int timesteps;

    /**
     * A resolved model with its schedule and dataset; {@code classifier} is the noise-level classifier behind the
     * denoiser (a CDM checkpoint, or the exact classifier for the oracle), {@code null} for a denoising network.
     */
    record Resolved(Denoiser denoiser, NoiseSchedule schedule, @Nullable ToyDataset toy, String label,
                    @Nullable NoiseLevelClassifier classifier, @Nullable ImageShape image) {

        /** The toy dataset the model is compared against, or a clear error for an image model. */
        ToyDataset dataset() {
            if (toy == null) {
                throw new InvalidConfigException("--checkpoint", label, "is an image model; this command works with"
                        + " toy datasets only");
            }
            return toy;
        }

        /** The classifier, or a clear error naming what the command needs it for. */
        NoiseLevelClassifier requireClassifier(String purpose) {
            if (classifier == null) {
                throw new InvalidConfigException("--checkpoint", label, "is a denoising network; " + purpose
                        + " needs a classification diffusion model (train one with --objective cdm) or --model oracle");
            }
            return classifier;
        }
    }

    Resolved resolve() throws IOException {
        if (checkpoint != null && model != null) {
            throw new InvalidConfigException("--model", model, "give either --checkpoint or --model oracle, not both");
        }
        if (checkpoint == null) {
            if (!"oracle".equals(model)) {
                throw new InvalidConfigException("--model", model,
                        "give --checkpoint FILE, or --model oracle with --dataset NAME");
            }
            if (dataset == null) {
                throw new InvalidConfigException("--dataset", null, "--model oracle needs --dataset NAME");
            }
            ToyDataset d = ToyDatasets.byName(dataset);
            NoiseSchedule s = NoiseSchedule.create(ScheduleSpec.parse(schedule, timesteps));
            return new Resolved(new OracleDenoiser(d), s, d, "oracle(" + d.name() + ")",
                    new ExactNoiseClassifier(d, s), null);
        }
        Checkpoint c = CheckpointIO.load(checkpoint);
        Denoiser den = switch (weights) {
            case "ema" -> c.emaDenoiser();
            case "raw" -> c.rawDenoiser();
            default -> throw new InvalidConfigException("--weights", weights, "expected ema or raw");
        };
        String label = checkpoint.getFileName().toString();
        ImageShape image = Models.imageShape(c.setup().model());
        if (image != null) {
            if (dataset != null) {
                throw new InvalidConfigException("--dataset", dataset, "compares with a toy dataset; " + label
                        + " is an image model");
            }
            return new Resolved(den, c.schedule(), null, label,
                    den instanceof ClassifierDenoiser cd ? cd.classifier() : null, image);
        }
        ToyDataset d = ToyDatasets.byName(dataset != null ? dataset : c.setup().dataset());
        if (d.dim() != den.dim()) {
            throw new InvalidConfigException("--dataset", d.name(), "has dimension " + d.dim() + ", the model "
                    + den.dim());
        }
        return new Resolved(den, c.schedule(), d, label,
                den instanceof ClassifierDenoiser cd ? cd.classifier() : null, null);
    }
}
