package org.noiselab.engine.data;

import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/** A source of clean training points. Draws must depend only on the generator passed in (for replay). */
public interface TrainingData {

    /** Stable name, recorded in checkpoints. */
    String name();

    /** Dimension of one point. */
    int dim();

    /** Number of classes, 0 when unlabelled. */
    int classCount();

    /** Per-dimension variances of the data (the reference Gaussian of likelihood estimates). */
    double[] variances();

    /** Fills {@code x} with n points and, when non-null, {@code labels} with their classes. */
    void draw(int n, SplittableRandom rng, float[] x, int @Nullable [] labels);
}
