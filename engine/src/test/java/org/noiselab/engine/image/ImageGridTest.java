package org.noiselab.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {

    @TempDir
    Path dir;

    /** Four 1x1 grey images (after one skipped image): -1, 0, 1, NaN. */
    private static final float[] FOUR = {0.5f, -1f, 0f, 1f, Float.NaN};

    private static int rgb(BufferedImage image, int x, int y) {
        return image.getRGB(x, y) & 0xffffff;
    }

    @Test
    void rendersATwoByTwoGridWithScaleAndGap() {
        BufferedImage grid = ImageGrid.render(FOUR, 1, 4, 1, 1, 1, 2, 2, 1);
        assertThat(grid.getWidth()).isEqualTo(5);
        assertThat(grid.getHeight()).isEqualTo(5);
        // top left: -1 (black) over 2x2 pixels
        assertThat(rgb(grid, 0, 0)).isEqualTo(0x000000);
        assertThat(rgb(grid, 1, 1)).isEqualTo(0x000000);
        // gap column and row
        assertThat(rgb(grid, 2, 0)).isEqualTo(ImageGrid.BACKGROUND);
        assertThat(rgb(grid, 0, 2)).isEqualTo(ImageGrid.BACKGROUND);
        // top right: 0 -> round(127.5) = 128
        assertThat(rgb(grid, 3, 0)).isEqualTo(0x808080);
        assertThat(rgb(grid, 4, 1)).isEqualTo(0x808080);
        // bottom left: 1 (white); bottom right: NaN (marker)
        assertThat(rgb(grid, 0, 3)).isEqualTo(0xffffff);
        assertThat(rgb(grid, 4, 4)).isEqualTo(ImageGrid.NAN_MARKER);
    }

    @Test
    void rgbChannelsClampAndLeaveEmptyCellsBackground() {
        // three 1x1 RGB images: (2, -3, 0), (1, 1, 1), (-1, -1, -1); two columns leave the fourth cell empty
        float[] p = {2f, -3f, 0f, 1f, 1f, 1f, -1f, -1f, -1f};
        BufferedImage grid = ImageGrid.render(p, 0, 3, 3, 1, 1, 2, 1, 0);
        assertThat(grid.getWidth()).isEqualTo(2);
        assertThat(grid.getHeight()).isEqualTo(2);
        assertThat(rgb(grid, 0, 0)).isEqualTo(0xff0080);
        assertThat(rgb(grid, 1, 0)).isEqualTo(0xffffff);
        assertThat(rgb(grid, 0, 1)).isEqualTo(0x000000);
        assertThat(rgb(grid, 1, 1)).isEqualTo(ImageGrid.BACKGROUND);
    }

    @Test
    void writesAReadablePngAtomically() throws IOException {
        Path out = dir.resolve("sub/grid.png");
        // no folder is created unasked: the write is refused and leaves nothing
        assertThatThrownBy(() -> ImageGrid.writePng(FOUR, 1, 4, 1, 1, 1, 2, 3, 2, out))
                .isInstanceOf(IOException.class).hasMessageContaining("does not exist");
        assertThat(out.getParent()).doesNotExist();
        Files.createDirectory(out.getParent());
        ImageGrid.writePng(FOUR, 1, 4, 1, 1, 1, 2, 3, 2, out);
        BufferedImage back = ImageIO.read(out.toFile());
        assertThat(back.getWidth()).isEqualTo(8);
        assertThat(rgb(back, 7, 7)).isEqualTo(ImageGrid.NAN_MARKER);
        assertThat(rgb(back, 7, 0)).isEqualTo(0x808080);
        try (var files = Files.list(out.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("grid.png");
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> ImageGrid.render(FOUR, 2, 4, 1, 1, 1, 2, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too short");
        assertThatThrownBy(() -> ImageGrid.render(FOUR, 0, 1, 2, 1, 1, 2, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channels");
        assertThatThrownBy(() -> ImageGrid.render(FOUR, 0, 0, 1, 1, 1, 2, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count 0");
    }
}
