package org.noiselab.engine.image;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.io.AtomicFiles;
import org.noiselab.engine.io.FileFormatException;

/**
 * MNIST in LeCun's IDX format (LeCun, Cortes, Burges, "The MNIST database of handwritten digits", 1998). An image file
 * (IDX3) is the big-endian int32s magic {@value #IMAGE_MAGIC}, count, rows, columns, then {@code count * rows *
 * columns} unsigned bytes, image by image, row-major; a label file (IDX1) is magic {@value #LABEL_MAGIC}, count, then
 * one byte per image, 0..9. Files whose first two bytes are the gzip magic {@code 1f 8b} are gunzipped transparently,
 * whatever their extension. Pixels become {@code b / 127.5 - 1} ({@link PixelScale}); classes are named "0".."9".
 */
public final class MnistIdx {

    /** Magic number of an IDX3 unsigned-byte image file. */
    public static final int IMAGE_MAGIC = 0x0803;

    /** Magic number of an IDX1 unsigned-byte label file. */
    public static final int LABEL_MAGIC = 0x0801;

    /** The digit classes. */
    public static final List<String> CLASS_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    private static final String IMAGE_SUFFIX = "-images-idx3-ubyte";
    private static final String LABEL_SUFFIX = "-labels-idx1-ubyte";

    private MnistIdx() {
    }

    /**
     * Reads an image file and, when given, its label file. The set is named after the image file without
     * {@code -images-idx3-ubyte[.gz]}, prefixed with {@code mnist-} unless it starts with {@code mnist}
     * ({@code t10k-images-idx3-ubyte.gz} gives {@code mnist-t10k}).
     *
     * @throws FileFormatException when a file is not a well-formed IDX file of its kind, or the two disagree
     * @throws IOException         when a file cannot be read
     */
    public static ImageSet read(Path images, @Nullable Path labels) throws IOException {
        Images img = readImages(images);
        int[] lab = labels == null ? null : readLabels(labels, images, img.count);
        return ImageSet.owning(setName(images), 1, img.rows, img.cols, img.count, img.pixels, lab,
                lab == null ? List.of() : CLASS_NAMES);
    }

    /**
     * Reads {@code {split}-images-idx3-ubyte} and {@code {split}-labels-idx1-ubyte} from a directory, each either
     * plain or with {@code .gz} (the plain file when both exist). The set is named {@code mnist-{split}}.
     *
     * @param split "train" (60,000 images in the original distribution) or "t10k" (the 10,000 test images)
     * @throws FileFormatException when a file is missing (the message lists the names looked for) or malformed
     */
    public static ImageSet readDirectory(Path dir, String split) throws IOException {
        if (!split.equals("train") && !split.equals("t10k")) {
            throw new IllegalArgumentException("split = '" + split + "': must be 'train' or 't10k'");
        }
        Path images = find(dir, split + IMAGE_SUFFIX, split + " images");
        Path labels = find(dir, split + LABEL_SUFFIX, split + " labels");
        return read(images, labels).withName("mnist-" + split);
    }

    /**
     * Writes a single-channel set as IDX files, atomically; pixels are rounded to 8 bits ({@link PixelScale#toByte}).
     *
     * @param labels where to write the labels, or null to write images only
     * @param gzip   whether to gzip both files
     * @throws IllegalArgumentException when the set has more than one channel, or labels are asked for but the set
     *                                  is unlabelled or has more than 256 classes
     */
    public static void write(ImageSet set, Path images, @Nullable Path labels, boolean gzip) throws IOException {
        if (set.channels() != 1) {
            throw new IllegalArgumentException("IDX images have one channel; '" + set.name() + "' has "
                    + set.channels());
        }
        if (labels != null && (!set.labelled() || set.classCount() > 256)) {
            throw new IllegalArgumentException("cannot write IDX labels for '" + set.name() + "': "
                    + (set.labelled() ? set.classCount() + " classes do not fit in a byte" : "it is unlabelled"));
        }
        float[] pixels = set.pixelArray();
        AtomicFiles.write(images, out -> writeIdx(out, gzip, IMAGE_MAGIC,
                new int[] {set.count(), set.height(), set.width()}, data -> {
                    for (float v : pixels) {
                        data.write(PixelScale.toByte(v));
                    }
                }));
        int[] lab = set.labelArray();
        if (labels != null && lab != null) {
            AtomicFiles.write(labels, out -> writeIdx(out, gzip, LABEL_MAGIC, new int[] {set.count()},
                    data -> {
                        for (int l : lab) {
                            data.write(l);
                        }
                    }));
        }
    }

    private interface Body {
        void write(OutputStream data) throws IOException;
    }

    private static void writeIdx(OutputStream raw, boolean gzip, int magic, int[] dims, Body body)
            throws IOException {
        OutputStream sink = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(sink, 1 << 16));
        data.writeInt(magic);
        for (int d : dims) {
            data.writeInt(d);
        }
        body.write(data);
        data.flush();
        if (sink instanceof GZIPOutputStream g) {
            g.finish();
        }
    }

    private record Images(int count, int rows, int cols, float[] pixels) {
    }

    private static Images readImages(Path file) throws IOException {
        String name = ImageFiles.nameOf(file);
        try (InputStream in = ImageFiles.open(file)) {
            byte[] header = readHeader(in, file, 16, IMAGE_MAGIC, "image");
            int count = ImageFiles.bigEndianInt(header, 4);
            int rows = ImageFiles.bigEndianInt(header, 8);
            int cols = ImageFiles.bigEndianInt(header, 12);
            int total = ImageSet.checkShape(name, count, 1, rows, cols);
            byte[] bytes = ImageFiles.readUpTo(in, total, file);
            if (bytes.length < total) {
                throw new FileFormatException(name + ": truncated: expected " + total + " pixel bytes, found "
                        + bytes.length);
            }
            requireEnd(in, file, total + " pixel bytes");
            float[] pixels = new float[total];
            for (int k = 0; k < total; k++) {
                pixels[k] = PixelScale.fromByte(bytes[k] & 0xff);
            }
            return new Images(count, rows, cols, pixels);
        }
    }

    private static int[] readLabels(Path file, Path images, int imageCount) throws IOException {
        String name = ImageFiles.nameOf(file);
        try (InputStream in = ImageFiles.open(file)) {
            byte[] header = readHeader(in, file, 8, LABEL_MAGIC, "label");
            int count = ImageFiles.bigEndianInt(header, 4);
            if (count != imageCount) {
                throw new FileFormatException(name + ": images and labels disagree: " + imageCount + " images in "
                        + ImageFiles.nameOf(images) + ", " + count + " labels");
            }
            byte[] bytes = ImageFiles.readUpTo(in, count, file);
            if (bytes.length < count) {
                throw new FileFormatException(name + ": truncated: expected " + count + " label bytes, found "
                        + bytes.length);
            }
            requireEnd(in, file, count + " label bytes");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = bytes[i] & 0xff;
                if (labels[i] >= CLASS_NAMES.size()) {
                    throw new FileFormatException(name + ": label " + labels[i] + " of image " + i
                            + " is outside 0.." + (CLASS_NAMES.size() - 1));
                }
            }
            return labels;
        }
    }

    /** The header's bytes, after checking the magic number (first) and the length. */
    private static byte[] readHeader(InputStream in, Path file, int length, int magic, String kind)
            throws IOException {
        String name = ImageFiles.nameOf(file);
        byte[] header = ImageFiles.readUpTo(in, length, file);
        if (header.length == 0) {
            throw new FileFormatException(name + ": empty file (expected an IDX " + kind + " file)");
        }
        if (header.length >= 4 && ImageFiles.bigEndianInt(header, 0) != magic) {
            throw new FileFormatException(name + ": magic number " + ImageFiles.bigEndianInt(header, 0)
                    + " is not an IDX " + kind + " file (" + magic + ")");
        }
        if (header.length < length) {
            throw new FileFormatException(name + ": truncated header: expected " + length + " bytes, found "
                    + header.length);
        }
        return header;
    }

    private static void requireEnd(InputStream in, Path file, String expected) throws IOException {
        if (ImageFiles.hasMore(in, file)) {
            throw new FileFormatException(ImageFiles.nameOf(file) + ": data after the expected " + expected);
        }
    }

    private static Path find(Path dir, String stem, String what) {
        Path plain = dir.resolve(stem);
        Path gz = dir.resolve(stem + ".gz");
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        throw new FileFormatException(dir + ": no MNIST " + what + ": looked for " + stem + " and " + stem + ".gz");
    }

    private static String setName(Path images) {
        String stem = ImageFiles.nameOf(images);
        if (stem.endsWith(".gz")) {
            stem = stem.substring(0, stem.length() - 3);
        }
        if (stem.endsWith(IMAGE_SUFFIX)) {
            stem = stem.substring(0, stem.length() - IMAGE_SUFFIX.length());
        }
        if (stem.isBlank()) {
            stem = "images";
        }
        return stem.startsWith("mnist") ? stem : "mnist-" + stem;
    }
}
