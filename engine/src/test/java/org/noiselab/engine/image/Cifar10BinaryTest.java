package org.noiselab.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.io.FileFormatException;

class Cifar10BinaryTest {

    private static final int R = Cifar10Binary.RECORD_BYTES;

    @TempDir
    Path dir;

    /** Two records: labels 3 and 9; record 1 has green 200 at row 5, column 7, and red 255 at (0, 0). */
    private static byte[] twoRecords() {
        byte[] b = new byte[2 * R];
        b[0] = 3;
        b[R] = 9;
        b[R + 1] = (byte) 255;
        b[R + 1 + 1024 + 5 * 32 + 7] = (byte) 200;
        return b;
    }

    @Test
    void recordsBecomeChwImagesWithLabels() throws IOException {
        Path batch = Files.write(dir.resolve("data_batch_1.bin"), twoRecords());
        ImageSet set = Cifar10Binary.read(List.of(batch));
        assertThat(set.count()).isEqualTo(2);
        assertThat(set.channels()).isEqualTo(3);
        assertThat(set.height()).isEqualTo(32);
        assertThat(set.width()).isEqualTo(32);
        assertThat(set.labels()).containsExactly(3, 9);
        assertThat(set.classNames().get(9)).isEqualTo("truck");
        float[] image = set.image(1);
        int green = 1;
        assertThat(image[(green * 32 + 5) * 32 + 7]).isEqualTo(PixelScale.fromByte(200));
        assertThat(image[0]).isEqualTo(1f);
        assertThat(image[(green * 32 + 5) * 32 + 8]).isEqualTo(-1f);
        assertThat(set.pixels()[set.dim() + (green * 32 + 5) * 32 + 7]).isEqualTo(PixelScale.fromByte(200));
    }

    @Test
    void badLengthIsReportedInRecords() throws IOException {
        Path batch = Files.write(dir.resolve("data_batch_1.bin"), Arrays.copyOf(twoRecords(), R + 100));
        assertThatThrownBy(() -> Cifar10Binary.read(List.of(batch))).isInstanceOf(FileFormatException.class)
                .hasMessage("data_batch_1.bin: length 3173 is not a multiple of the 3073-byte CIFAR-10 record "
                        + "(1 records and 100 bytes)");
        Path empty = Files.write(dir.resolve("test_batch.bin"), new byte[0]);
        assertThatThrownBy(() -> Cifar10Binary.read(List.of(empty))).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("test_batch.bin: empty file");
    }

    @Test
    void labelAboveNineNamesTheRecord() throws IOException {
        byte[] b = twoRecords();
        b[R] = 10;
        Path batch = Files.write(dir.resolve("data_batch_2.bin"), b);
        assertThatThrownBy(() -> Cifar10Binary.read(List.of(batch))).isInstanceOf(FileFormatException.class)
                .hasMessage("data_batch_2.bin: record 1 (at byte 3073) has label 10, outside 0..9");
    }

    @Test
    void directoryReadsTrainingBatchesInOrderOrTheTestBatch() throws IOException {
        byte[] first = twoRecords();
        byte[] third = new byte[R];
        third[0] = 5;
        Files.write(dir.resolve("data_batch_3.bin"), third);
        Files.write(dir.resolve("data_batch_1.bin"), first);
        Files.write(dir.resolve("test_batch.bin"), new byte[R]);
        ImageSet train = Cifar10Binary.readDirectory(dir);
        assertThat(train.name()).isEqualTo("cifar10-train");
        assertThat(train.labels()).containsExactly(3, 9, 5);
        ImageSet test = Cifar10Binary.readDirectory(dir, "test");
        assertThat(test.name()).isEqualTo("cifar10-test");
        assertThat(test.count()).isEqualTo(1);
    }

    @Test
    void missingBatchesAreListed() {
        assertThatThrownBy(() -> Cifar10Binary.readDirectory(dir)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("no CIFAR-10 train batch").hasMessageContaining("data_batch_1.bin")
                .hasMessageContaining("data_batch_5.bin");
        assertThatThrownBy(() -> Cifar10Binary.readDirectory(dir, "test")).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("test_batch.bin");
    }
}
