package org.noiselab.app.service;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.image.ImageDatasets;
import org.noiselab.engine.image.ImageExplorer;
import org.noiselab.engine.image.ImageSet;
import org.noiselab.engine.image.ImageShape;
import org.noiselab.engine.image.ImageTrainingData;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.model.Models;

/**
 * The image workspace's model: an image checkpoint (U-Net DDPM or convolutional CDM) and, for 28x28 grey models, the
 * shipped MNIST test images to denoise and score. Everything runs on the analysis thread through
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

    private final AnalysisService analysis;
    private @Nullable ImageExplorer explorer;
    private @Nullable ImageSet testImages;
    private double @Nullable [] variances;
    /** The likelihood depends on the image and seed, not on the noise step: kept for the last ones scored. */
    private int scoredIndex = -1;
    private long scoredSeed;
    private double scoredBits;

    @Inject
    public ImageModelService(AnalysisService analysis) {
        this.analysis = analysis;
    }

    /** Opens an image checkpoint file. */
    public CompletableFuture<Info> open(Path file) {
        return analysis.compute(() -> {
            try {
                return install(CheckpointIO.load(file), file.getFileName().toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Opens a checkpoint shipped in the assets. */
    public CompletableFuture<Info> openShipped(String resource, String label) {
        return analysis.compute(() -> install(DefaultRun.load(resource), label));
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

    /** A test image, its noised version at step t and the model's estimate of the clean image, with its bits/dim. */
    public record Denoising(float[] clean, int label, ImageExplorer.Denoised denoised, double bitsPerDim) {
    }

    /** Denoises test image {@code index} from step {@code t}; the likelihood uses 64 ITD points for a DDPM. */
    public CompletableFuture<Denoising> denoise(int index, int t, long seed) {
        return analysis.compute(() -> {
            ImageSet set = testImages;
            if (set == null) {
                throw new IllegalStateException("no test images for this model's image size");
            }
            float[] clean = set.image(index);
            ImageExplorer.Denoised d = explorer().denoise(clean, t, seed, -1);
            if (index != scoredIndex || seed != scoredSeed) {
                scoredBits = explorer().bitsPerDim(clean, variances, 64, seed);
                scoredIndex = index;
                scoredSeed = seed;
            }
            return new Denoising(clean, set.label(index), d, scoredBits);
        });
    }

    private ImageExplorer explorer() {
        if (explorer == null) {
            throw new IllegalStateException("no image model is open");
        }
        return explorer;
    }

    private Info install(Checkpoint c, String label) {
        ImageShape shape = Models.imageShape(c.setup().model());
        if (shape == null) {
            throw new IllegalArgumentException(label + " is a toy model; open it with File > Open");
        }
        explorer = new ImageExplorer(c.emaDenoiser(), c.schedule(), shape);
        scoredIndex = -1;
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
        return new Info(label, shape, explorer.classCount(), explorer.isClassifier(), explorer.steps(),
                hasTests ? testImages.count() : 0);
    }
}
