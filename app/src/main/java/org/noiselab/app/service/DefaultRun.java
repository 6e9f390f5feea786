package org.noiselab.app.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;

/** The pretrained checkpoints shipped in the assets module; the app opens on the 1D two-mode Gaussian. */
public final class DefaultRun {

    /** Resource of the embedded default. */
    public static final String GAUSS_1D = "/org/noiselab/assets/checkpoints/gauss1d-two-mode-ddpm.nlab";
    /** Resource of the pretrained dino. */
    public static final String DINO = "/org/noiselab/assets/checkpoints/dino-ddpm.nlab";
    /** The same models trained with ITD + the contrastive diffusion loss. */
    public static final String GAUSS_1D_CDL = "/org/noiselab/assets/checkpoints/gauss1d-two-mode-cdl.nlab";
    public static final String DINO_CDL = "/org/noiselab/assets/checkpoints/dino-cdl.nlab";
    /** Classification diffusion models (noise-level classifiers) of the same width and budget. */
    public static final String GAUSS_1D_CDM = "/org/noiselab/assets/checkpoints/gauss1d-two-mode-cdm.nlab";
    public static final String DINO_CDM = "/org/noiselab/assets/checkpoints/dino-cdm.nlab";
    /** A DDPM conditioned on the 13 Datasaurus shapes, for the class picker and the guidance slider. */
    public static final String DATASAURUS_CONDITIONAL =
            "/org/noiselab/assets/checkpoints/datasaurus-conditional-ddpm.nlab";

    /** A U-Net DDPM on MNIST conditioned on the 10 digits (the image workspace's model). */
    public static final String MNIST_CONDITIONAL = "/org/noiselab/assets/checkpoints/mnist-conditional-ddpm.nlab";
    /** A convolutional CDM on MNIST, 3000 steps (it denoises and scores; its samples are strokes, not yet digits). */
    public static final String MNIST_CDM = "/org/noiselab/assets/checkpoints/mnist-cdm.nlab";

    /** A shipped checkpoint, the name people see, and the dimension of its data (1 or 2). */
    public record Shipped(String label, String resource, int dim) {
        @Override
        public String toString() {
            return label;
        }
    }

    /** The shipped checkpoints, in menu order. */
    public static final java.util.List<Shipped> SHIPPED = java.util.List.of(
            new Shipped("1D two-mode Gaussian (DDPM)", GAUSS_1D, 1), new Shipped("Dino (DDPM)", DINO, 2),
            new Shipped("1D two-mode Gaussian (CDL)", GAUSS_1D_CDL, 1), new Shipped("Dino (CDL)", DINO_CDL, 2),
            new Shipped("1D two-mode Gaussian (CDM)", GAUSS_1D_CDM, 1), new Shipped("Dino (CDM)", DINO_CDM, 2),
            new Shipped("Datasaurus, 13 classes (conditional DDPM)", DATASAURUS_CONDITIONAL, 2));

    private DefaultRun() {
    }

    /** Loads a shipped checkpoint by resource path. */
    public static Checkpoint load(String resource) {
        try (InputStream in = DefaultRun.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the assets jar lacks " + resource);
            }
            return CheckpointIO.load(in, resource.substring(resource.lastIndexOf('/') + 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
