package org.noiselab.app.service;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.data.ImageShape;
import org.noiselab.engine.explore.ImageExplorer;
import org.noiselab.engine.image.ImageDatasets;
import org.noiselab.engine.image.ImageSet;
import org.noiselab.engine.image.ImageTrainingData;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.model.Models;

/**
 * The image workspace's models: an image checkpoint (U-Net DDPM or convolutional CDM), optionally a second one of the
 * same image size to compare its denoising and likelihood with (a DDPM against a CDM, say), and, for 28x28 grey
 * models, the shipped held-out MNIST test images to denoise and score. Everything runs on the analysis thread through
 * {@link AnalysisService#compute}; results are plain arrays and records, delivered on the UI thread.
 */
@Singleton
public final class ImageModelService {

    /** What the workspace shows about the open model. */
    public record Info(String label, ImageShape shape, int classCount, boolean cdm, int steps, int testImages) {
    }

    /** Sampled images, channel-major, {@code count} of them. */
    public record Images(float[] pixels, int count, ImageShape shape, long millis) {
    }

    /** One model's view of a test image: its noised version, the model's clean estimate and the image's bits/dim. */
    public record Estimate(String label, boolean cdm, ImageExplorer.Denoised denoised, double bitsPerDim) {
    }

    /** A test image and each open model's estimate of it ({@code compared} when a second model is open). */
    public record Denoising(float[] clean, int label, Estimate main, @Nullable Estimate compared) {
    }

    private final AnalysisService analysis;
    private @Nullable Subject main;
    private @Nullable Subject compared;
    private @Nullable ImageSet testImages;
    private double @Nullable [] variances;

    @Inject
    public ImageModelService(AnalysisService analysis) {
        this.analysis = analysis;
    }

    /** Opens an image checkpoint file; a comparison model of another image size is closed. */
    public CompletableFuture<Info> open(Path file) {
        return analysis.compute(() -> install(load(file), file.getFileName().toString()));
    }

    /** Opens a checkpoint shipped in the assets. */
    public CompletableFuture<Info> openShipped(String resource, String label) {
        return analysis.compute(() -> install(DefaultRun.load(resource), label));
    }

    /** Opens a second image model, of the open model's image size, to compare denoising and likelihood with. */
    public CompletableFuture<Info> openComparison(Path file) {
        return analysis.compute(() -> installComparison(load(file), file.getFileName().toString()));
    }

    /** Opens a shipped checkpoint as the comparison model. */
    public CompletableFuture<Info> openShippedComparison(String resource, String label) {
        return analysis.compute(() -> installComparison(DefaultRun.load(resource), label));
    }

    /** Closes the comparison model. */
    public CompletableFuture<Void> closeComparison() {
        return analysis.compute(() -> {
            compared = null;
            return null;
        });
    }

    /** Sample grid: {@code n} DDIM samples of a class (or -1) at a guidance weight. */
    public CompletableFuture<Images> sample(int n, long seed, int label, double guidance, int steps) {
        return analysis.compute(() -> {
            long start = System.nanoTime();
            float[] x = explorer().sample(n, seed, label, guidance, steps);
            return new Images(x, n, explorer().shape(), (System.nanoTime() - start) / 1_000_000);
        });
    }

    /** The reverse process of one sample as frames from noise to image. */
    public CompletableFuture<List<float[]>> reverseProcess(long seed, int label, double guidance, int steps,
                                                           int frames) {
        return analysis.compute(() -> explorer().reverseProcess(seed, label, guidance, steps, frames));
    }

    /**
     * Denoises test image {@code index} from step {@code t} with each open model, the same noise for both; the
     * likelihood is the CDM's single pass or, for a DDPM, an ITD estimate with 64 points.
     */
    public CompletableFuture<Denoising> denoise(int index, int t, long seed) {
        return analysis.compute(() -> {
            ImageSet set = testImages;
            if (set == null) {
                throw new IllegalStateException("no test images for this model's image size");
            }
            float[] clean = set.image(index);
            Subject other = compared;
            return new Denoising(clean, set.label(index), subject().estimate(clean, index, t, seed, variances),
                    other == null ? null : other.estimate(clean, index, t, seed, variances));
        });
    }

    private ImageExplorer explorer() {
        return subject().explorer;
    }

    private Subject subject() {
        if (main == null) {
            throw new IllegalStateException("no image model is open");
        }
        return main;
    }

    private static Checkpoint load(Path file) {
        try {
            return CheckpointIO.load(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ImageShape shapeOf(Checkpoint c, String label) {
        ImageShape shape = Models.imageShape(c.setup().model());
        if (shape == null) {
            throw new IllegalArgumentException(label + " is a toy model; open it with File > Open");
        }
        return shape;
    }

    private Info installComparison(Checkpoint c, String label) {
        ImageShape shape = shapeOf(c, label);
        if (main == null || !main.explorer.shape().equals(shape)) {
            throw new IllegalArgumentException(label + " takes " + shape + " images; the open model takes "
                    + (main == null ? "none (open one first)" : main.explorer.shape()));
        }
        compared = new Subject(new ImageExplorer(c.emaDenoiser(), c.schedule(), shape), label);
        return compared.info(testImages == null ? 0 : testImages.count());
    }

    private Info install(Checkpoint c, String label) {
        ImageShape shape = shapeOf(c, label);
        main = new Subject(new ImageExplorer(c.emaDenoiser(), c.schedule(), shape), label);
        if (compared != null && !compared.explorer.shape().equals(shape)) {
            compared = null;
        }
        if (shape.equals(new ImageShape(1, 28, 28)) && testImages == null) {
            try {
                testImages = ImageDatasets.shippedMnist();
                variances = new ImageTrainingData(testImages).variances();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        boolean hasTests = testImages != null && testImages.dim() == shape.dim();
        if (!hasTests) {
            testImages = null;
        }
        return main.info(hasTests ? testImages.count() : 0);
    }

    /** Whether a comparison model is open (it is closed when a model of another image size opens). */
    public boolean hasComparison() {
        return compared != null;
    }

    /**
     * An open model and its last likelihood: that depends on the image and seed, not on the noise step, so it is
     * kept for the last ones scored.
     */
    private static final class Subject {
        private final ImageExplorer explorer;
        private final String label;
        private int scoredIndex = -1;
        private long scoredSeed;
        private double scoredBits;

        Subject(ImageExplorer explorer, String label) {
            this.explorer = explorer;
            this.label = label;
        }

        Info info(int testImages) {
            return new Info(label, explorer.shape(), explorer.classCount(), explorer.isClassifier(), explorer.steps(),
                    testImages);
        }

        Estimate estimate(float[] clean, int index, int t, long seed, double @Nullable [] variances) {
            ImageExplorer.Denoised d = explorer.denoise(clean, Math.min(t, explorer.steps()), seed, -1);
            if (index != scoredIndex || seed != scoredSeed) {
                scoredBits = explorer.bitsPerDim(clean, variances, 64, seed);
                scoredIndex = index;
                scoredSeed = seed;
            }
            return new Estimate(label, explorer.isClassifier(), d, scoredBits);
        }
    }
}
