package org.noiselab.engine.image;

import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.data.TrainingData;

/**
 * Training points drawn from a finite {@link ImageSet}: each draw is an image chosen uniformly at random, with
 * replacement, using only the generator passed in (so a run replays exactly from its seeds). Points are the images'
 * {@code C * H * W} values in NCHW order.
 *
 * <p>{@link #variances()} are the per-pixel population variances over the whole set, floored at
 * {@link #MIN_VARIANCE}: pixels that never change (the borders of MNIST digits) would otherwise have variance 0, which
 * a reference Gaussian cannot take.
 */
public final class ImageTrainingData implements TrainingData {

    /**
     * Smallest reported variance: that of the uniform noise which dequantises 8-bit pixels, {@code (2/255)^2 / 12}
     * on the [-1, 1] scale (one 8-bit step is {@code 2/255} wide).
     */
    public static final double MIN_VARIANCE = (2.0 / 255) * (2.0 / 255) / 12;

    private final ImageSet set;
    private final double[] variances;

    /**
     * Training data over a set.
     *
     * @throws IllegalArgumentException when the set has no images
     */
    public ImageTrainingData(ImageSet set) {
        if (set.count() == 0) {
            throw new IllegalArgumentException("image set '" + set.name() + "' has no images to train on");
        }
        this.set = set;
        this.variances = pixelVariances(set);
    }

    /** The set drawn from. */
    public ImageSet set() {
        return set;
    }

    /** The set's name. */
    @Override
    public String name() {
        return set.name();
    }

    /** Values per image, {@code C * H * W}. */
    @Override
    public int dim() {
        return set.dim();
    }

    /** The set's number of classes, 0 when unlabelled. */
    @Override
    public int classCount() {
        return set.classCount();
    }

    /** Per-pixel variances over the set, floored at {@link #MIN_VARIANCE}; a fresh copy. */
    @Override
    public double[] variances() {
        return variances.clone();
    }

    /**
     * Fills {@code x} with {@code n} images drawn uniformly with replacement, one {@code rng.nextInt(count)} per
     * image, and {@code labels} (when non-null, as for a conditional model) with their classes.
     *
     * @throws IllegalArgumentException when labels are asked for but the set is unlabelled, or an array is too short
     */
    @Override
    public void draw(int n, SplittableRandom rng, float[] x, int @Nullable [] labels) {
        int dim = set.dim();
        if (n < 0 || (long) n * dim > x.length || (labels != null && labels.length < n)) {
            throw new IllegalArgumentException("cannot draw " + n + " images of " + dim + " values into x["
                    + x.length + "]" + (labels == null ? "" : " and labels[" + labels.length + "]"));
        }
        int[] setLabels = set.labelArray();
        if (labels != null && setLabels == null) {
            throw new IllegalArgumentException("image set '" + set.name()
                    + "' is unlabelled, but labels were requested (a conditional model needs a labelled set)");
        }
        float[] pixels = set.pixelArray();
        for (int i = 0; i < n; i++) {
            int pick = rng.nextInt(set.count());
            System.arraycopy(pixels, pick * dim, x, i * dim, dim);
            if (labels != null && setLabels != null) {
                labels[i] = setLabels[pick];
            }
        }
    }

    private static double[] pixelVariances(ImageSet set) {
        int dim = set.dim();
        int count = set.count();
        float[] pixels = set.pixelArray();
        double[] mean = new double[dim];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < dim; j++) {
                mean[j] += pixels[i * dim + j];
            }
        }
        for (int j = 0; j < dim; j++) {
            mean[j] /= count;
        }
        double[] var = new double[dim];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < dim; j++) {
                double d = pixels[i * dim + j] - mean[j];
                var[j] += d * d;
            }
        }
        for (int j = 0; j < dim; j++) {
            var[j] = Math.max(MIN_VARIANCE, var[j] / count);
        }
        return var;
    }
}
