package org.noiselab.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.noiselab.engine.io.FileFormatException;

class MnistIdxTest {

    @TempDir
    Path dir;

    /** Four 2x3 images using every corner of the byte range, labelled 0..3. */
    private static ImageSet small() {
        float[] p = new float[4 * 6];
        int[] bytes = {0, 255, 1, 254, 127, 128};
        for (int k = 0; k < p.length; k++) {
            p[k] = PixelScale.fromByte(bytes[(k + k / 6) % 6]);
        }
        return new ImageSet("small", 1, 2, 3, 4, p, new int[] {0, 1, 2, 3}, MnistIdx.CLASS_NAMES);
    }

    static byte[] idx(int magic, int... ints) {
        ByteBuffer b = ByteBuffer.allocate(4 * (ints.length + 1));
        b.putInt(magic);
        for (int v : ints) {
            b.putInt(v);
        }
        return b.array();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void roundTripPreservesPixelsAndLabelsExactly(boolean gzip) throws IOException {
        ImageSet set = small();
        Path images = dir.resolve("x-images-idx3-ubyte" + (gzip ? ".gz" : ""));
        Path labels = dir.resolve("x-labels-idx1-ubyte" + (gzip ? ".gz" : ""));
        MnistIdx.write(set, images, labels, gzip);
        byte[] head = Files.readAllBytes(images);
        assertThat(head[0] == 0x1f && head[1] == (byte) 0x8b).isEqualTo(gzip);

        ImageSet back = MnistIdx.read(images, labels);
        assertThat(back.pixels()).containsExactly(set.pixels());
        assertThat(back.pixels()[0]).isEqualTo(-1f);
        assertThat(back.pixels()[1]).isEqualTo(1f);
        assertThat(back.labels()).containsExactly(0, 1, 2, 3);
        assertThat(back.height()).isEqualTo(2);
        assertThat(back.width()).isEqualTo(3);
        assertThat(back.classNames()).isEqualTo(MnistIdx.CLASS_NAMES);
        assertThat(back.name()).isEqualTo("mnist-x");
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).allMatch(n -> !n.endsWith(".tmp"));
    }

    @Test
    void gzipIsDetectedByContentNotExtension() throws IOException {
        byte[] plain = concat(idx(MnistIdx.IMAGE_MAGIC, 1, 1, 2), new byte[] {0, (byte) 255});
        Path images = file("digits.idx", gzip(plain));
        ImageSet set = MnistIdx.read(images, null);
        assertThat(set.pixels()).containsExactly(-1f, 1f);
        assertThat(set.labelled()).isFalse();
        assertThat(set.name()).isEqualTo("mnist-digits.idx");
    }

    @Test
    void readsADirectoryAndNamesTheSplit() throws IOException {
        MnistIdx.write(small(), dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte"),
                true);
        ImageSet set = MnistIdx.readDirectory(dir, "t10k");
        assertThat(set.name()).isEqualTo("mnist-t10k");
        assertThat(set.count()).isEqualTo(4);
    }

    @Test
    void missingDirectoryFilesAreListed() throws IOException {
        file("t10k-images-idx3-ubyte", concat(idx(MnistIdx.IMAGE_MAGIC, 1, 1, 1), new byte[1]));
        assertThatThrownBy(() -> MnistIdx.readDirectory(dir, "train")).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("train-images-idx3-ubyte and train-images-idx3-ubyte.gz");
        assertThatThrownBy(() -> MnistIdx.readDirectory(dir, "t10k")).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("t10k labels").hasMessageContaining("t10k-labels-idx1-ubyte.gz");
        assertThatThrownBy(() -> MnistIdx.readDirectory(dir, "test")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wrongMagicIsNamed() throws IOException {
        Path labels = file("t10k-images-idx3-ubyte.gz", gzip(concat(idx(MnistIdx.LABEL_MAGIC, 2), new byte[2])));
        assertThatThrownBy(() -> MnistIdx.read(labels, null)).isInstanceOf(FileFormatException.class)
                .hasMessage("t10k-images-idx3-ubyte.gz: magic number 2049 is not an IDX image file (2051)");
        Path images = file("i", concat(idx(MnistIdx.IMAGE_MAGIC, 1, 1, 1), new byte[1]));
        assertThatThrownBy(() -> MnistIdx.read(images, images)).isInstanceOf(FileFormatException.class)
                .hasMessage("i: magic number 2051 is not an IDX label file (2049)");
    }

    @Test
    void truncatedPixelsAreReportedWithCounts() throws IOException {
        Path images = file("t.gz", gzip(concat(idx(MnistIdx.IMAGE_MAGIC, 10, 28, 28), new byte[1200])));
        assertThatThrownBy(() -> MnistIdx.read(images, null)).isInstanceOf(FileFormatException.class)
                .hasMessage("t.gz: truncated: expected 7840 pixel bytes, found 1200");
    }

    @Test
    void truncatedHeaderAndEmptyFile() throws IOException {
        Path shortHeader = file("h", Arrays.copyOf(idx(MnistIdx.IMAGE_MAGIC, 10, 28, 28), 7));
        assertThatThrownBy(() -> MnistIdx.read(shortHeader, null)).isInstanceOf(FileFormatException.class)
                .hasMessage("h: truncated header: expected 16 bytes, found 7");
        Path empty = file("e", new byte[0]);
        assertThatThrownBy(() -> MnistIdx.read(empty, null)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("e: empty file");
        Path emptyGzip = file("e.gz", gzip(new byte[0]));
        assertThatThrownBy(() -> MnistIdx.read(emptyGzip, null)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("e.gz: empty file");
    }

    @Test
    void corruptGzipAndTrailingDataAreFormatErrors() throws IOException {
        byte[] good = gzip(concat(idx(MnistIdx.IMAGE_MAGIC, 2, 1, 2), new byte[4]));
        Path cut = file("cut.gz", Arrays.copyOf(good, good.length - 12));
        assertThatThrownBy(() -> MnistIdx.read(cut, null)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("cut.gz: ");
        Path headerOnly = file("g.gz", Arrays.copyOf(good, 5));
        assertThatThrownBy(() -> MnistIdx.read(headerOnly, null)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("g.gz: corrupt or truncated gzip");
        Path longer = file("long", concat(idx(MnistIdx.IMAGE_MAGIC, 1, 1, 2), new byte[3]));
        assertThatThrownBy(() -> MnistIdx.read(longer, null)).isInstanceOf(FileFormatException.class)
                .hasMessage("long: data after the expected 2 pixel bytes");
    }

    @Test
    void labelCountMismatchAndRangeAreReported() throws IOException {
        Path images = file("img", concat(idx(MnistIdx.IMAGE_MAGIC, 3, 1, 1), new byte[3]));
        Path fewer = file("lab", concat(idx(MnistIdx.LABEL_MAGIC, 2), new byte[2]));
        assertThatThrownBy(() -> MnistIdx.read(images, fewer)).isInstanceOf(FileFormatException.class)
                .hasMessage("lab: images and labels disagree: 3 images in img, 2 labels");
        Path outOfRange = file("lab2", concat(idx(MnistIdx.LABEL_MAGIC, 3), new byte[] {1, 12, 3}));
        assertThatThrownBy(() -> MnistIdx.read(images, outOfRange)).isInstanceOf(FileFormatException.class)
                .hasMessage("lab2: label 12 of image 1 is outside 0..9");
        Path cutLabels = file("lab3", concat(idx(MnistIdx.LABEL_MAGIC, 3), new byte[] {1}));
        assertThatThrownBy(() -> MnistIdx.read(images, cutLabels)).isInstanceOf(FileFormatException.class)
                .hasMessage("lab3: truncated: expected 3 label bytes, found 1");
    }

    @Test
    void absurdDimensionsFailBeforeAnyLargeAllocation() throws IOException {
        Path wide = file("wide", idx(MnistIdx.IMAGE_MAGIC, 1, 28, 100_000));
        assertThatThrownBy(() -> MnistIdx.read(wide, null)).isInstanceOf(FileFormatException.class)
                .hasMessage("wide: absurd image size 100000x28 (width x height; each side must lie in 1..16384)");
        Path negative = file("neg", idx(MnistIdx.IMAGE_MAGIC, -5, 28, 28));
        assertThatThrownBy(() -> MnistIdx.read(negative, null)).isInstanceOf(FileFormatException.class)
                .hasMessage("neg: negative image count -5");
        Path huge = file("huge", idx(MnistIdx.IMAGE_MAGIC, Integer.MAX_VALUE, 16384, 16384));
        assertThatThrownBy(() -> MnistIdx.read(huge, null)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("huge: 2147483647 images of 16384x16384 pixels and 1 channel are")
                .hasMessageContaining("limit");

        // a plausible header over a tiny body: 784 MB of pixels claimed, 100 bytes present
        Path lying = file("lying.gz", gzip(concat(idx(MnistIdx.IMAGE_MAGIC, 1_000_000, 28, 28), new byte[100])));
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> MnistIdx.read(lying, null)).isInstanceOf(FileFormatException.class)
                .hasMessage("lying.gz: truncated: expected 784000000 pixel bytes, found 100");
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(16L << 20);
    }

    @Test
    void writeRejectsWhatIdxCannotHold() {
        ImageSet rgb = new ImageSet("rgb", 3, 1, 1, 1, new float[3], null, List.of());
        assertThatThrownBy(() -> MnistIdx.write(rgb, dir.resolve("a"), null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one channel");
        ImageSet unlabelled = new ImageSet("u", 1, 1, 1, 1, new float[1], null, List.of());
        assertThatThrownBy(() -> MnistIdx.write(unlabelled, dir.resolve("a"), dir.resolve("b"), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unlabelled");
    }

    /** The shipped subset (the last 1000 MNIST test images, in the assets module) as its README describes it. */
    @Test
    void readsTheShippedMnistSubset() throws IOException {
        Path images = dir.resolve("images.gz");
        Path labelFile = dir.resolve("labels.gz");
        for (String[] entry : new String[][] {{"images", images.toString()}, {"labels", labelFile.toString()}}) {
            try (var in = MnistIdxTest.class.getClassLoader().getResourceAsStream(
                    "org/noiselab/assets/data/mnist/mnist-1k-" + entry[0] + "-idx" + (entry[0].equals("images") ? 3
                            : 1) + "-ubyte.gz")) {
                assertThat(in).as("the shipped MNIST " + entry[0] + " on the test class path").isNotNull();
                Files.copy(in, Path.of(entry[1]));
            }
        }
        ImageSet set = MnistIdx.read(images, labelFile);
        assertThat(set.count()).isEqualTo(1000);
        assertThat(set.height()).isEqualTo(28);
        assertThat(set.width()).isEqualTo(28);
        assertThat(new int[] {set.label(0), set.label(1), set.label(2)}).containsExactly(7, 6, 1);
        int[] labels = set.labels();
        assertThat(labels).isNotNull();
        assertThat(Arrays.stream(labels).distinct().sorted().toArray()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        float[] pixels = set.pixels();
        assertThat(pixels[0]).isEqualTo(-1f);
        float max = -2;
        for (float v : pixels) {
            max = Math.max(max, v);
        }
        assertThat(max).isEqualTo(1f);
    }
}
