package org.noiselab.engine.image;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.io.FileFormatException;

/**
 * An immutable set of {@code count} images of {@code channels x height x width} pixels on the model's scale
 * ({@link PixelScale}: 8-bit {@code b} becomes {@code b / 127.5 - 1}), optionally with a class label per image.
 *
 * <p>Layout is NCHW, flattened row-major: channel {@code c}, row {@code y}, column {@code x} of image {@code i} is
 * {@code pixels[((i * C + c) * H + y) * W + x]}. A set is labelled exactly when it has class names; labels then lie
 * in {@code 0..classCount()-1}. Accessors return copies; sets never share mutable state with callers.
 */
public final class ImageSet {

    /** Largest accepted height or width. */
    public static final int MAX_SIDE = 16384;

    /** Largest accepted number of pixel values in one set ({@code count * C * H * W}; the JVM's array limit). */
    public static final long MAX_VALUES = Integer.MAX_VALUE - 8;

    private final String name;
    private final int channels;
    private final int height;
    private final int width;
    private final int count;
    private final float[] pixels;
    private final int @Nullable [] labels;
    private final List<String> classNames;

    /**
     * A set holding copies of the arrays.
     *
     * @param name       stable name (recorded in checkpoints)
     * @param channels   channels per image, at least 1
     * @param height     rows per image, 1..{@value #MAX_SIDE}
     * @param width      columns per image, 1..{@value #MAX_SIDE}
     * @param count      number of images, at least 0
     * @param pixels     {@code count * channels * height * width} finite values, NCHW
     * @param labels     {@code count} class indices, or null for an unlabelled set
     * @param classNames one name per class: empty exactly when {@code labels} is null
     * @throws IllegalArgumentException when the arguments disagree, naming the argument and the value
     */
    public ImageSet(String name, int channels, int height, int width, int count, float[] pixels,
                    int @Nullable [] labels, List<String> classNames) {
        this(name, channels, height, width, count, pixels.clone(), labels == null ? null : labels.clone(),
                List.copyOf(classNames), true);
        for (int k = 0; k < this.pixels.length; k++) {
            if (!Float.isFinite(this.pixels[k])) {
                throw new IllegalArgumentException("pixels[" + k + "] = " + this.pixels[k] + ": must be finite");
            }
        }
    }

    private ImageSet(String name, int channels, int height, int width, int count, float[] pixels,
                     int @Nullable [] labels, List<String> classNames, boolean validate) {
        this.name = Objects.requireNonNull(name, "name");
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.count = count;
        this.pixels = pixels;
        this.labels = labels;
        this.classNames = classNames;
        if (validate) {
            validate();
        }
    }

    /** A set owning the given arrays (readers in this package hand over freshly built ones). */
    static ImageSet owning(String name, int channels, int height, int width, int count, float[] pixels,
                           int @Nullable [] labels, List<String> classNames) {
        return new ImageSet(name, channels, height, width, count, pixels, labels, List.copyOf(classNames), true);
    }

    private void validate() {
        if (name.isBlank()) {
            throw new IllegalArgumentException("name = '" + name + "': must not be blank");
        }
        if (channels < 1 || height < 1 || width < 1 || height > MAX_SIDE || width > MAX_SIDE) {
            throw new IllegalArgumentException("shape = " + channels + "x" + height + "x" + width
                    + ": needs at least one channel and sides in 1.." + MAX_SIDE);
        }
        if (count < 0 || (long) count * dim() != pixels.length) {
            throw new IllegalArgumentException("pixels.length = " + pixels.length + ": must be count * dim = "
                    + count + " * " + (long) channels * height * width);
        }
        if ((labels == null) != classNames.isEmpty()) {
            throw new IllegalArgumentException("classNames = " + classNames
                    + ": must be empty exactly when the set is unlabelled (labels "
                    + (labels == null ? "null" : "given") + ")");
        }
        if (new HashSet<>(classNames).size() != classNames.size()) {
            throw new IllegalArgumentException("classNames = " + classNames + ": must be distinct");
        }
        if (labels != null) {
            if (labels.length != count) {
                throw new IllegalArgumentException("labels.length = " + labels.length + ": must equal count " + count);
            }
            for (int i = 0; i < count; i++) {
                if (labels[i] < 0 || labels[i] >= classNames.size()) {
                    throw new IllegalArgumentException("labels[" + i + "] = " + labels[i] + ": must lie in 0.."
                            + (classNames.size() - 1));
                }
            }
        }
    }

    /**
     * Checks a shape read from a file before anything is allocated for it, and returns the number of pixel values.
     *
     * @throws FileFormatException naming the file when a side is outside 1..{@value #MAX_SIDE}, the count is negative
     *                             or the total exceeds {@link #MAX_VALUES}
     */
    static int checkShape(String file, long count, long channels, long height, long width) {
        if (height < 1 || width < 1 || height > MAX_SIDE || width > MAX_SIDE) {
            throw new FileFormatException(file + ": absurd image size " + width + "x" + height
                    + " (width x height; each side must lie in 1.." + MAX_SIDE + ")");
        }
        if (count < 0) {
            throw new FileFormatException(file + ": negative image count " + count);
        }
        long values = count * channels * height * width;
        if (values > MAX_VALUES) {
            throw new FileFormatException(file + ": " + count + " images of " + width + "x" + height + " pixels and "
                    + channels + (channels == 1 ? " channel" : " channels") + " are " + values
                    + " values, more than the limit " + MAX_VALUES);
        }
        return (int) values;
    }

    /** Stable name, recorded in checkpoints. */
    public String name() {
        return name;
    }

    /** Channels per image (1 grey, 3 RGB). */
    public int channels() {
        return channels;
    }

    /** Rows per image. */
    public int height() {
        return height;
    }

    /** Columns per image. */
    public int width() {
        return width;
    }

    /** Number of images. */
    public int count() {
        return count;
    }

    /** Values per image, {@code C * H * W}. */
    public int dim() {
        return channels * height * width;
    }

    /** Whether every image has a label. */
    public boolean labelled() {
        return labels != null;
    }

    /** Number of classes, 0 when unlabelled. */
    public int classCount() {
        return classNames.size();
    }

    /** Class names by label (e.g. "0".."9" for MNIST), empty when unlabelled. */
    public List<String> classNames() {
        return classNames;
    }

    /** A copy of all pixels, NCHW. */
    public float[] pixels() {
        return pixels.clone();
    }

    /** The pixel array itself, for readers in this package, which must not modify it. */
    float[] pixelArray() {
        return pixels;
    }

    /** The label array itself (or null), for readers in this package, which must not modify it. */
    int @Nullable [] labelArray() {
        return labels;
    }

    /** A copy of the labels, or null when unlabelled. */
    public int @Nullable [] labels() {
        return labels == null ? null : labels.clone();
    }

    /**
     * The label of image {@code i}.
     *
     * @throws IllegalStateException when the set is unlabelled
     */
    public int label(int i) {
        Objects.checkIndex(i, count);
        if (labels == null) {
            throw new IllegalStateException("image set '" + name + "' is unlabelled");
        }
        return labels[i];
    }

    /** A copy of image {@code i}'s {@link #dim()} values, CHW. */
    public float[] image(int i) {
        float[] out = new float[dim()];
        copyImage(i, out, 0);
        return out;
    }

    /** Copies image {@code i}'s {@link #dim()} values into {@code dest} from {@code destOffset}. */
    public void copyImage(int i, float[] dest, int destOffset) {
        Objects.checkIndex(i, count);
        System.arraycopy(pixels, i * dim(), dest, destOffset, dim());
    }

    /** Images {@code from} (inclusive) to {@code to} (exclusive), named {@code name[from:to]}. */
    public ImageSet subset(int from, int to) {
        Objects.checkFromToIndex(from, to, count);
        int d = dim();
        float[] p = Arrays.copyOfRange(pixels, from * d, to * d);
        int[] l = labels == null ? null : Arrays.copyOfRange(labels, from, to);
        return new ImageSet(name + "[" + from + ":" + to + "]", channels, height, width, to - from, p, l, classNames,
                false);
    }

    /** The first {@code n} images (the whole set when {@code n >= count}). */
    public ImageSet firstN(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n = " + n + ": must not be negative");
        }
        return subset(0, Math.min(n, count));
    }

    /** The same images under another name. */
    public ImageSet withName(String newName) {
        if (newName.isBlank()) {
            throw new IllegalArgumentException("name = '" + newName + "': must not be blank");
        }
        return new ImageSet(newName, channels, height, width, count, pixels, labels, classNames, false);
    }

    /**
     * Splits off the last {@code heldOut} images (no shuffling: shuffle files beforehand if their order matters).
     *
     * @param heldOut number of held-out images, 0..count
     */
    public Split split(int heldOut) {
        if (heldOut < 0 || heldOut > count) {
            throw new IllegalArgumentException("heldOut = " + heldOut + ": must lie in 0.." + count);
        }
        return new Split(subset(0, count - heldOut), subset(count - heldOut, count));
    }

    /**
     * A set split in two.
     *
     * @param train   the first images
     * @param heldOut the last images
     */
    public record Split(ImageSet train, ImageSet heldOut) {
    }

    @Override
    public String toString() {
        return "ImageSet[" + name + ": " + count + " x " + channels + "x" + height + "x" + width
                + (labels == null ? ", unlabelled" : ", " + classNames.size() + " classes") + "]";
    }
}
