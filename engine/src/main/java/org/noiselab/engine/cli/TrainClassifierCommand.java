package org.noiselab.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.image.ImageSet;
import org.noiselab.engine.io.AtomicFiles;
import org.noiselab.engine.metric.ImageClassifier;
import org.noiselab.engine.metric.ImageClassifierTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code noiselab train-classifier}: the small image classifier that judges generated images. */
@Command(name = "train-classifier", header = "Train the image classifier that judges generated images.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a small convolutional classifier on labelled images and report its accuracy on the",
            "held-out images. image-quality uses it to read generated images (class accuracy under guidance) and",
            "compares its 64 features between generated and held-out images (a Frechet distance that is NOT the",
            "Inception FID).",
            "  noiselab train-classifier --dataset mnist --data DIR --held-out 2000 --out mnist-judge.safetensors"})
final class TrainClassifierCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "mnist",
            description = "Image dataset: mnist, cifar10 or png (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Mixin
    ImageDataOptions images;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "2000", description = "AdamW steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Classifier file to write (.safetensors).")
    Path out;

    @Override
    public Integer call() throws IOException {
        AtomicFiles.checkTargets(out);
        if (steps < 1 || steps > 1_000_000) {
            throw new InvalidConfigException("--steps", steps, "must lie in 1..1000000");
        }
        if (batch < 1 || batch > 4096) {
            throw new InvalidConfigException("--batch", batch, "must lie in 1..4096");
        }
        ImageSet.Split split = images.split(dataset, 0);
        ImageSet train = split.train();
        if (!train.labelled()) {
            throw new InvalidConfigException("--dataset", dataset, "these images have no labels to learn");
        }
        PrintWriter outw = spec.commandLine().getOut();
        outw.printf("training the image classifier on %s (%d images, %d classes): %d steps of %d%n", train.name(),
                train.count(), train.classCount(), steps, batch);
        outw.flush();
        long start = System.nanoTime();
        int every = Math.max(1, steps / 10);
        ImageClassifier c = ImageClassifierTraining.train(train, steps, batch, seed, step -> {
            if (step % every == 0) {
                outw.printf("step %d/%d%n", step, steps);
                outw.flush();
            }
        });
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("trainedOn", train.name());
        notes.put("trainAccuracy", String.format("%.4f", ImageClassifierTraining.accuracy(c, train)));
        if (split.heldOut().count() > 0) {
            double acc = ImageClassifierTraining.accuracy(c, split.heldOut());
            notes.put("heldOut", split.heldOut().name());
            notes.put("heldOutAccuracy", String.format("%.4f", acc));
            outw.printf("held-out accuracy: %.2f%% on %d images (%s)%n", 100 * acc, split.heldOut().count(),
                    split.heldOut().name());
        }
        ImageClassifierTraining.save(c, notes, out);
        outw.printf("training accuracy %s; trained in %.0f s; saved %s%n", notes.get("trainAccuracy"),
                (System.nanoTime() - start) / 1e9, out);
        return 0;
    }
}
