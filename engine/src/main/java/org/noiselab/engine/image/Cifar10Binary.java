package org.noiselab.engine.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.noiselab.engine.io.FileFormatException;

/**
 * CIFAR-10, binary version (Krizhevsky, "Learning Multiple Layers of Features from Tiny Images", 2009): each batch
 * file is a sequence of {@value #RECORD_BYTES}-byte records, one label byte 0..9 followed by the 32x32 image as 1024
 * red, 1024 green and 1024 blue bytes, each plane row-major. That is already the CHW layout of an {@link ImageSet};
 * pixels become {@code b / 127.5 - 1}. Records are counted from 0 in error messages.
 */
public final class Cifar10Binary {

    /** Side of a CIFAR-10 image. */
    public static final int SIDE = 32;

    /** Bytes of one record: a label byte and 3 x 32 x 32 pixel bytes. */
    public static final int RECORD_BYTES = 1 + 3 * SIDE * SIDE;

    /** Class names by label, from the dataset's {@code batches.meta.txt}. */
    public static final List<String> CLASS_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");

    /** Names of the five training batches. */
    public static final List<String> TRAIN_BATCHES = List.of("data_batch_1.bin", "data_batch_2.bin",
            "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");

    /** Name of the test batch. */
    public static final String TEST_BATCH = "test_batch.bin";

    private Cifar10Binary() {
    }

    /**
     * Reads batch files in the given order into one labelled set named {@code cifar10}.
     *
     * @throws FileFormatException when a file is empty, its length is not a whole number of records, or a label
     *                             exceeds 9
     * @throws IOException         when a file cannot be read
     */
    public static ImageSet read(List<Path> batchFiles) throws IOException {
        if (batchFiles.isEmpty()) {
            throw new IllegalArgumentException("batchFiles: need at least one CIFAR-10 batch file");
        }
        long records = 0;
        for (Path file : batchFiles) {
            records += recordsIn(file);
        }
        int total = ImageSet.checkShape(ImageFiles.nameOf(batchFiles.get(0)) + " and the other batches", records, 3,
                SIDE, SIDE);
        int count = (int) records;
        float[] pixels = new float[total];
        int[] labels = new int[count];
        int image = 0;
        for (Path file : batchFiles) {
            image = readBatch(file, pixels, labels, image);
        }
        if (image != count) {
            throw new FileFormatException(ImageFiles.nameOf(batchFiles.get(batchFiles.size() - 1))
                    + ": batch files changed while being read");
        }
        return ImageSet.owning("cifar10", 3, SIDE, SIDE, count, pixels, labels, CLASS_NAMES);
    }

    /**
     * Reads the training set: those of {@code data_batch_1.bin .. data_batch_5.bin} present in {@code dir}, in order
     * (at least one), named {@code cifar10-train}. The test batch is never included; see
     * {@link #readDirectory(Path, String)}.
     *
     * @throws FileFormatException when no training batch is present (the message lists the names looked for)
     */
    public static ImageSet readDirectory(Path dir) throws IOException {
        return readDirectory(dir, "train");
    }

    /**
     * Reads a split from a directory such as the dataset's {@code cifar-10-batches-bin}: "train" is the training
     * batches present ({@code data_batch_1.bin .. data_batch_5.bin}, at least one), "test" is {@code test_batch.bin}.
     * The set is named {@code cifar10-train} or {@code cifar10-test}.
     *
     * @throws FileFormatException when the split's files are absent (the message lists the names looked for)
     */
    public static ImageSet readDirectory(Path dir, String split) throws IOException {
        List<String> wanted = switch (split) {
            case "train" -> TRAIN_BATCHES;
            case "test" -> List.of(TEST_BATCH);
            default -> throw new IllegalArgumentException("split = '" + split + "': must be 'train' or 'test'");
        };
        List<Path> present = new ArrayList<>();
        for (String name : wanted) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                present.add(file);
            }
        }
        if (present.isEmpty()) {
            throw new FileFormatException(dir + ": no CIFAR-10 " + split + " batch: looked for "
                    + String.join(", ", wanted));
        }
        return read(present).withName("cifar10-" + split);
    }

    private static long recordsIn(Path file) throws IOException {
        String name = ImageFiles.nameOf(file);
        long size = Files.size(file);
        if (size == 0) {
            throw new FileFormatException(name + ": empty file (expected CIFAR-10 records of " + RECORD_BYTES
                    + " bytes)");
        }
        if (size % RECORD_BYTES != 0) {
            throw new FileFormatException(name + ": length " + size + " is not a multiple of the " + RECORD_BYTES
                    + "-byte CIFAR-10 record (" + size / RECORD_BYTES + " records and " + size % RECORD_BYTES
                    + " bytes)");
        }
        return size / RECORD_BYTES;
    }

    /** Reads one file's records into the arrays from image {@code first}; returns the next image index. */
    private static int readBatch(Path file, float[] pixels, int[] labels, int first) throws IOException {
        String name = ImageFiles.nameOf(file);
        byte[] record = new byte[RECORD_BYTES];
        int dim = RECORD_BYTES - 1;
        int image = first;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            for (long r = 0; ; r++) {
                int n = in.readNBytes(record, 0, RECORD_BYTES);
                if (n == 0) {
                    return image;
                }
                if (n < RECORD_BYTES || image >= labels.length) {
                    throw new FileFormatException(name + ": changed while being read (record " + r + ")");
                }
                int label = record[0] & 0xff;
                if (label >= CLASS_NAMES.size()) {
                    throw new FileFormatException(name + ": record " + r + " (at byte " + r * RECORD_BYTES
                            + ") has label " + label + ", outside 0.." + (CLASS_NAMES.size() - 1));
                }
                labels[image] = label;
                int base = image * dim;
                for (int k = 0; k < dim; k++) {
                    pixels[base + k] = PixelScale.fromByte(record[1 + k] & 0xff);
                }
                image++;
            }
        }
    }
}
