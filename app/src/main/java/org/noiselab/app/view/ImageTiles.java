package org.noiselab.app.view;

import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;

/** Draws images given as channel-major values in [-1, 1] into JavaFX images, tiled in a grid and scaled up. */
final class ImageTiles {

    private static final int GAP_ARGB = 0xff808080;

    private ImageTiles() {
    }

    /**
     * A grid of {@code count} images starting at image {@code first} of {@code pixels}.
     *
     * @param channels 1 (grey) or 3 (RGB)
     * @param scale    screen pixels per image pixel
     */
    static WritableImage render(float[] pixels, int first, int count, int channels, int height, int width,
                                int columns, int scale, int gap) {
        int cols = Math.max(1, Math.min(columns, count));
        int rows = Math.max(1, (count + cols - 1) / cols);
        int tileW = width * scale;
        int tileH = height * scale;
        WritableImage img = new WritableImage(cols * tileW + (cols - 1) * gap, rows * tileH + (rows - 1) * gap);
        PixelWriter out = img.getPixelWriter();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                out.setArgb(x, y, GAP_ARGB);
            }
        }
        int plane = height * width;
        for (int k = 0; k < count; k++) {
            int base = (first + k) * channels * plane;
            int ox = (k % cols) * (tileW + gap);
            int oy = (k / cols) * (tileH + gap);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int r = byteOf(pixels[base + y * width + x]);
                    int g = channels >= 3 ? byteOf(pixels[base + plane + y * width + x]) : r;
                    int b = channels >= 3 ? byteOf(pixels[base + 2 * plane + y * width + x]) : r;
                    int argb = 0xff000000 | r << 16 | g << 8 | b;
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            out.setArgb(ox + x * scale + dx, oy + y * scale + dy, argb);
                        }
                    }
                }
            }
        }
        return img;
    }

    /** [-1, 1] to 0..255, clamped; NaN shows as black. */
    private static int byteOf(float v) {
        if (Float.isNaN(v)) {
            return 0;
        }
        return (int) Math.round(Math.max(0, Math.min(255, (v + 1) * 127.5)));
    }
}
