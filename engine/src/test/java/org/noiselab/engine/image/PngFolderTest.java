package org.noiselab.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.io.FileFormatException;

class PngFolderTest {

    @TempDir
    Path dir;

    /** A 3-wide, 2-high RGB PNG of one colour, except pixel (2, 1), which is {@code corner}. */
    private static void rgbPng(Path file, int rgb, int corner) throws IOException {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        image.setRGB(2, 1, corner);
        Files.createDirectories(file.getParent());
        assertThat(ImageIO.write(image, "png", file.toFile())).isTrue();
    }

    private static void greyPng(Path file, int width, int height, int value) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(0, 0, 0, value);
        Files.createDirectories(file.getParent());
        assertThat(ImageIO.write(image, "png", file.toFile())).isTrue();
    }

    @Test
    void classFoldersAreSortedClassesWithSortedImages() throws IOException {
        rgbPng(dir.resolve("dogs/b.png"), 0x000000, 0x00c800);
        rgbPng(dir.resolve("dogs/a.png"), 0xffffff, 0xffffff);
        rgbPng(dir.resolve("cats/z.png"), 0xff0000, 0xff0000);
        Files.writeString(dir.resolve("cats/notes.txt"), "ignored");
        ImageSet set = PngFolder.read(dir, 3);
        assertThat(set.classNames()).containsExactly("cats", "dogs");
        assertThat(set.labels()).containsExactly(0, 1, 1);
        assertThat(set.count()).isEqualTo(3);
        assertThat(set.height()).isEqualTo(2);
        assertThat(set.width()).isEqualTo(3);
        assertThat(set.name()).isEqualTo(dir.getFileName().toString());
        float[] cat = set.image(0);
        assertThat(cat[0]).isEqualTo(1f);
        assertThat(cat[6]).isEqualTo(-1f);
        float[] white = set.image(1);
        assertThat(white).containsOnly(1f);
        float[] dark = set.image(2);
        int plane = 6;
        assertThat(dark[plane + 1 * 3 + 2]).isEqualTo(PixelScale.fromByte(200));
        assertThat(dark[1 * 3 + 2]).isEqualTo(-1f);
    }

    @Test
    void looseImagesFormAnUnlabelledSetAndConvertBetweenGreyAndRgb() throws IOException {
        rgbPng(dir.resolve("a.png"), 0x102030, 0x102030);
        greyPng(dir.resolve("b.png"), 3, 2, 128);
        ImageSet grey = PngFolder.read(dir, 1);
        assertThat(grey.labelled()).isFalse();
        assertThat(grey.classNames()).isEmpty();
        assertThat(grey.dim()).isEqualTo(6);
        assertThat(grey.image(0)[0])
                .isEqualTo(PixelScale.fromIntensity(0.299 * 0x10 + 0.587 * 0x20 + 0.114 * 0x30));
        assertThat(grey.image(1)[0]).isEqualTo(PixelScale.fromByte(128));
        ImageSet rgb = PngFolder.read(dir, 3);
        float[] replicated = rgb.image(1);
        assertThat(new float[] {replicated[0], replicated[6], replicated[12]}).containsOnly(PixelScale.fromByte(128));
        assertThat(rgb.image(0)[6]).isEqualTo(PixelScale.fromByte(0x20));
    }

    @Test
    void mismatchedSizesNameTheOffenderAndBothSizes() throws IOException {
        greyPng(dir.resolve("a.png"), 4, 4, 0);
        greyPng(dir.resolve("b.png"), 4, 4, 0);
        greyPng(dir.resolve("c.png"), 5, 4, 0);
        assertThatThrownBy(() -> PngFolder.read(dir, 1)).isInstanceOf(FileFormatException.class)
                .hasMessage("c.png: size 5x4 differs from 4x4 of a.png "
                        + "(width x height; all images must share one size)");
    }

    @Test
    void aPngThatIsNotAPngIsNamed() throws IOException {
        greyPng(dir.resolve("good/a.png"), 2, 2, 0);
        Files.writeString(dir.resolve("good/b.png"), "GIF89a, really not a PNG at all");
        assertThatThrownBy(() -> PngFolder.read(dir, 1)).isInstanceOf(FileFormatException.class)
                .hasMessageStartingWith("good/b.png: not a PNG file");
    }

    @Test
    void aHostileHeaderSizeIsRejectedBeforeDecoding() throws IOException {
        greyPng(dir.resolve("a.png"), 2, 2, 0);
        byte[] png = Files.readAllBytes(dir.resolve("a.png"));
        ByteBuffer.wrap(png).putInt(16, 100_000).putInt(20, 100_000);
        Files.write(dir.resolve("a.png"), png);
        assertThatThrownBy(() -> PngFolder.read(dir, 1)).isInstanceOf(FileFormatException.class)
                .hasMessageStartingWith("a.png: absurd image size 100000x100000");
    }

    @Test
    void aCorruptPngBodyIsAFormatError() throws IOException {
        greyPng(dir.resolve("a.png"), 8, 8, 0);
        byte[] png = Files.readAllBytes(dir.resolve("a.png"));
        byte[] broken = Arrays.copyOf(png, 40);
        Files.write(dir.resolve("b.png"), broken);
        assertThatThrownBy(() -> PngFolder.read(dir, 1)).isInstanceOf(FileFormatException.class)
                .hasMessageStartingWith("b.png: unreadable PNG");
    }

    @Test
    void emptyAndMixedFoldersAreRejected() throws IOException {
        assertThatThrownBy(() -> PngFolder.read(dir, 1)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("no .png files");
        Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> PngFolder.read(dir, 1)).isInstanceOf(FileFormatException.class)
                .hasMessage("empty: class folder has no .png files");
        greyPng(dir.resolve("loose.png"), 2, 2, 0);
        assertThatThrownBy(() -> PngFolder.read(dir, 1)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("loose.png");
        assertThatThrownBy(() -> PngFolder.read(dir, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
