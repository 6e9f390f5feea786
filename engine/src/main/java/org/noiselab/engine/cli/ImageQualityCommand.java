package org.noiselab.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.data.ImageShape;
import org.noiselab.engine.image.ImageGrid;
import org.noiselab.engine.image.ImageSet;
import org.noiselab.engine.io.AtomicFiles;
import org.noiselab.engine.metric.FrechetDistance;
import org.noiselab.engine.metric.ImageClassifier;
import org.noiselab.engine.metric.ImageClassifierTraining;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.model.GuidedDenoiser;
import org.noiselab.engine.sample.DiffusionProblem;
import org.noiselab.engine.sample.SamplerSpec;
import org.noiselab.engine.sample.Samplers;
import org.noiselab.engine.sample.SamplingRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code noiselab image-quality}: generated images read by the project's own classifier. */
@Command(name = "image-quality", header = "Judge an image model's samples with a trained image classifier.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sample an image model (DDIM) and read the samples with a classifier from train-classifier.",
            "Per guidance weight: the share of class-c samples the classifier reads as c (conditional models), the",
            "share it reads confidently (max probability > 0.9), and the Frechet distance between its 64 features",
            "on the samples and on the held-out images (not the Inception FID; comparable only with itself), with its",
            "FD-infinity (extrapolated to infinitely many samples, Chong and Forsyth 2020; the plain value is biased",
            "upwards by about k / N).",
            "  noiselab image-quality --checkpoint mnist.nlab --classifier judge.safetensors --data DIR --held-out 2000"})
final class ImageQualityCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelSource source;

    /** The judge trained on the first 8000 MNIST test images (held-out accuracy in its metadata), shipped in assets. */
    static final String SHIPPED_MNIST_JUDGE = "org/noiselab/assets/models/mnist-judge.safetensors";

    @Option(names = "--classifier", paramLabel = "FILE",
            description = "Classifier from train-classifier (default: the shipped MNIST judge).")
    Path classifierFile;

    @Option(names = "--images", paramLabel = "NAME", defaultValue = "mnist",
            description = "Image dataset of the held-out reference images: mnist, cifar10 or png (default: ${DEFAULT-VALUE}).")
    String imageDataset;

    @Mixin
    ImageDataOptions images;

    @Option(names = "--guidance", paramLabel = "W1,W2,...", split = ",", defaultValue = "0",
            description = "Guidance weights, for a conditional model (default: ${DEFAULT-VALUE}).")
    double[] weights;

    @Option(names = "--n", paramLabel = "N", defaultValue = "50",
            description = "Samples per class (conditional) or in all (unconditional) per weight (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--steps", paramLabel = "K", defaultValue = "50", description = "DDIM steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the sampling noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--grids", paramLabel = "PREFIX",
            description = "Also write each weight's samples as PREFIX-w<W>.png (one row per class).")
    String grids;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the table as CSV too.")
    Path csv;

    @Override
    public Integer call() throws IOException {
        AtomicFiles.checkTargets(csv);
        ModelSource.Resolved m = source.resolve();
        ImageShape u = m.image();
        if (u == null) {
            throw new InvalidConfigException("--checkpoint", m.label(), "is not an image model");
        }
        ImageClassifier judge = judge();
        if (judge.channels() != u.channels() || judge.height() != u.height() || judge.width() != u.width()) {
            throw new InvalidConfigException("--classifier", classifierFile, "reads " + judge.channels() + "x"
                    + judge.height() + "x" + judge.width() + " images, the model makes " + u.channels() + "x"
                    + u.height() + "x" + u.width());
        }
        if (n < 2 || n > 10_000 || steps < 1 || steps > m.schedule().steps()) {
            throw new InvalidConfigException("--n/--steps", n + "/" + steps, "need n in 2..10000 and steps in 1.."
                    + m.schedule().steps());
        }
        Denoiser model = m.denoiser();
        boolean conditional = model.classCount() > 0;
        if (conditional && model.classCount() != judge.classes()) {
            throw new InvalidConfigException("--classifier", classifierFile, "knows " + judge.classes()
                    + " classes, the model " + model.classCount());
        }
        for (double w : weights) {
            if (!(w >= 0 && w <= 100) || (!conditional && w != 0)) {
                throw new InvalidConfigException("--guidance", w, conditional ? "must lie in 0..100"
                        : "needs a conditional model (this one is unconditional)");
            }
        }
        ImageSet.Split split = images.split(imageDataset, 2000);
        ImageSet reference = split.heldOut();
        if (reference.count() < 2) {
            throw new InvalidConfigException("--held-out", reference.count(), "the Frechet distance needs held-out"
                    + " reference images");
        }
        float[] refFeatures = new float[reference.count() * ImageClassifier.FEATURES];
        judge.evaluate(reference.pixels(), reference.count(), null, refFeatures);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s: %s samples (DDIM %d steps) read by %s; reference: %d held-out images (%s)%n", m.label(),
                conditional ? n + " per class" : Integer.toString(n), steps,
                classifierFile == null ? "the shipped MNIST judge" : classifierFile.getFileName(),
                reference.count(), reference.name());
        out.printf("| w | class accuracy | confident | Frechet distance (classifier features) | FD-infinity |%n"
                + "|---|---|---|---|---|%n");
        StringBuilder table = new StringBuilder("w,class_accuracy,confident,frechet,frechet_infinity\n");
        int classes = conditional ? model.classCount() : 1;
        int total = classes * n;
        realImagesRow(judge, split.train(), total, refFeatures, reference.count(), out, table);
        for (double w : weights) {
            Denoiser d = w == 0 ? model : new GuidedDenoiser(model, w);
            float[] x = new float[total * u.dim()];
            int[] labels = conditional ? new int[total] : null;
            for (int c = 0; c < classes; c++) {
                SamplingRequest request = conditional ? SamplingRequest.ofClass(n, seed + c, c)
                        : SamplingRequest.of(n, seed);
                float[] s = Samplers.create(new SamplerSpec.Ddim(steps, 0)).sample(new DiffusionProblem(d,
                        m.schedule()), request).points();
                System.arraycopy(s, 0, x, c * n * u.dim(), n * u.dim());
                if (labels != null) {
                    java.util.Arrays.fill(labels, c * n, (c + 1) * n, c);
                }
            }
            float[] logits = new float[total * judge.classes()];
            float[] features = new float[total * ImageClassifier.FEATURES];
            judge.evaluate(x, total, logits, features);
            double accuracy = labels == null ? Double.NaN : accuracy(logits, labels, judge.classes());
            row(Double.toString(w), Double.toString(w), accuracy, confident(logits, total, judge.classes()), features,
                    total, refFeatures, reference.count(), out, table);
            if (grids != null) {
                Path file = Path.of(grids + "-w" + w + ".png");
                ImageGrid.writePng(x, 0, total, u.channels(), u.height(), u.width(), Math.min(n, 10), 2, 2, file);
            }
        }
        if (csv != null) {
            AtomicFiles.writeText(csv, w -> w.append(table));
        }
        return 0;
    }

    /** The same measures on real training images: what a perfect model would score (the floor of the distance). */
    private static void realImagesRow(ImageClassifier judge, ImageSet train, int total, float[] refFeatures,
                                      int refCount, PrintWriter out, StringBuilder table) {
        int count = Math.min(total, train.count());
        if (count < 2) {
            return;
        }
        // evenly spaced through the training images: files are often ordered (MNIST's test set by writer group)
        float[] x = new float[count * train.dim()];
        int[] labels = train.labelled() ? new int[count] : null;
        for (int i = 0; i < count; i++) {
            int k = (int) ((long) i * train.count() / count);
            train.copyImage(k, x, i * train.dim());
            if (labels != null) {
                labels[i] = train.label(k);
            }
        }
        float[] logits = new float[count * judge.classes()];
        float[] features = new float[count * ImageClassifier.FEATURES];
        judge.evaluate(x, count, logits, features);
        double accuracy = labels != null && train.classCount() == judge.classes()
                ? accuracy(logits, labels, judge.classes()) : Double.NaN;
        row("real (" + count + " training images, evenly spaced)", "real", accuracy,
                confident(logits, count, judge.classes()), features, count, refFeatures, refCount, out, table);
    }

    /**
     * One line of the table, to the console (markdown) and the CSV: accuracy (NaN for none), confident share, the
     * Frechet distance of the features from the reference's, and its FD-infinity (from 10 images on).
     */
    private static void row(String label, String csvLabel, double accuracy, double confident, float[] features,
                            int count, float[] refFeatures, int refCount, PrintWriter out, StringBuilder table) {
        double frechet = FrechetDistance.between(features, count, refFeatures, refCount, ImageClassifier.FEATURES);
        double infinity = count < 10 ? Double.NaN : FrechetDistance.extrapolated(features, count, refFeatures,
                refCount, ImageClassifier.FEATURES, 8, 0);
        out.printf("| %s | %s | %.1f%% | %.3f | %s |%n", label, Double.isNaN(accuracy) ? "-"
                : String.format("%.1f%%", 100 * accuracy), 100 * confident, frechet, Double.isNaN(infinity) ? "-"
                : String.format("%.3f", infinity));
        out.flush();
        table.append(csvLabel).append(',').append(Double.isNaN(accuracy) ? "" : String.format("%.4f", accuracy))
                .append(',').append(String.format("%.4f", confident)).append(',')
                .append(String.format("%.4f", frechet)).append(',')
                .append(Double.isNaN(infinity) ? "" : String.format("%.4f", infinity)).append('\n');
    }

    private ImageClassifier judge() throws IOException {
        if (classifierFile != null) {
            return ImageClassifierTraining.load(Files.readAllBytes(classifierFile),
                    classifierFile.getFileName().toString());
        }
        try (java.io.InputStream in = ImageQualityCommand.class.getClassLoader()
                .getResourceAsStream(SHIPPED_MNIST_JUDGE)) {
            if (in == null) {
                throw new InvalidConfigException("--classifier", null, "no shipped judge on the class path; train one"
                        + " with train-classifier");
            }
            return ImageClassifierTraining.load(in.readAllBytes(), "mnist-judge.safetensors");
        }
    }

    private static double accuracy(float[] logits, int[] labels, int classes) {
        int right = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int k = 1; k < classes; k++) {
                best = logits[i * classes + k] > logits[i * classes + best] ? k : best;
            }
            right += best == labels[i] ? 1 : 0;
        }
        return (double) right / labels.length;
    }

    /** Share of images whose largest softmax probability exceeds 0.9. */
    private static double confident(float[] logits, int n, int classes) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, logits[i * classes + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(logits[i * classes + k] - max);
            }
            count += 1 / sum > 0.9 ? 1 : 0;
        }
        return (double) count / n;
    }
}
