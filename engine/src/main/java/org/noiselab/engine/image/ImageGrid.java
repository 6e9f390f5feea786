package org.noiselab.engine.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.noiselab.engine.io.AtomicFiles;

/**
 * Renders images on the model's scale as a grid, for instance samples for {@code sample --out grid.png}. Values map
 * to 8 bits by {@link PixelScale#toByte}: {@code round((x + 1) * 127.5)}, clamped to 0..255 (so -1 is black, 1 white,
 * and infinities clamp); a NaN value marks its pixel {@link #NAN_MARKER magenta}, whatever the channel count, so a
 * diverged sample is visible. Grey images (one channel) render as grey RGB.
 *
 * <p>Images fill the rows left to right, top to bottom, each magnified {@code scale} times (nearest neighbour), with
 * {@code gap} pixels of {@link #BACKGROUND} between neighbours and no outer border; the last row may be partly empty
 * (background). With fewer images than {@code columns}, the grid is one row of just those images.
 */
public final class ImageGrid {

    /** Colour of the gaps and of empty cells: mid grey, visible against black and white images alike. */
    public static final int BACKGROUND = 0x808080;

    /** Colour of a pixel with a NaN value in any channel. */
    public static final int NAN_MARKER = 0xff00ff;

    private ImageGrid() {
    }

    /**
     * Renders {@code count} images starting at image {@code offsetImages} of an NCHW array.
     *
     * @param channels 1 (grey) or 3 (RGB)
     * @param columns  images per row, at least 1
     * @param scale    magnification, at least 1
     * @param gap      pixels between images, at least 0
     * @return an RGB image of {@code cols * width * scale + (cols - 1) * gap} by {@code rows * height * scale +
     *         (rows - 1) * gap} pixels, where {@code cols = min(columns, count)} and {@code rows = ceil(count / cols)}
     * @throws IllegalArgumentException when an argument is out of range or {@code pixels} is too short
     */
    public static BufferedImage render(float[] pixels, int offsetImages, int count, int channels, int height,
                                       int width, int columns, int scale, int gap) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels = " + channels + ": must be 1 or 3");
        }
        if (count < 1 || offsetImages < 0 || height < 1 || width < 1 || columns < 1 || scale < 1 || gap < 0) {
            throw new IllegalArgumentException("need count >= 1, offsetImages >= 0, height, width, columns and "
                    + "scale >= 1, gap >= 0; got count " + count + ", offsetImages " + offsetImages + ", " + height
                    + "x" + width + ", columns " + columns + ", scale " + scale + ", gap " + gap);
        }
        long dim = (long) channels * height * width;
        if ((offsetImages + (long) count) * dim > pixels.length) {
            throw new IllegalArgumentException("pixels.length = " + pixels.length + ": too short for images "
                    + offsetImages + ".." + (offsetImages + (long) count - 1) + " of " + dim + " values");
        }
        int cols = Math.min(columns, count);
        int rows = (count + cols - 1) / cols;
        long outWidth = (long) cols * width * scale + (long) (cols - 1) * gap;
        long outHeight = (long) rows * height * scale + (long) (rows - 1) * gap;
        if (outWidth * outHeight > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("grid of " + outWidth + "x" + outHeight + " pixels is too large");
        }
        BufferedImage out = new BufferedImage((int) outWidth, (int) outHeight, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[(int) outWidth];
        Arrays.fill(row, BACKGROUND);
        for (int y = 0; y < outHeight; y++) {
            out.setRGB(0, y, row.length, 1, row, 0, 0);
        }
        for (int k = 0; k < count; k++) {
            int left = (k % cols) * (width * scale + gap);
            int top = (k / cols) * (height * scale + gap);
            drawTile(out, left, top, pixels, (int) ((offsetImages + (long) k) * dim), channels, height, width, scale);
        }
        return out;
    }

    /**
     * Renders as {@link #render} and writes the grid as a PNG, atomically (a temporary file renamed over
     * {@code out}), creating missing parent directories.
     */
    public static void writePng(float[] pixels, int offsetImages, int count, int channels, int height, int width,
                                int columns, int scale, int gap, Path out) throws IOException {
        writePng(render(pixels, offsetImages, count, channels, height, width, columns, scale, gap), out);
    }

    /** Writes an image as a PNG, atomically ({@link AtomicFiles#write}: the folder must exist). */
    public static void writePng(BufferedImage image, Path out) throws IOException {
        AtomicFiles.write(out, stream -> {
            // an in-memory cache rather than ImageIO.write's default temporary file (or a global setUseCache)
            ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
            try (ImageOutputStream ios = new MemoryCacheImageOutputStream(stream)) {
                writer.setOutput(ios);
                writer.write(image);
            } finally {
                writer.dispose();
            }
        });
    }

    /** Draws the image whose values start at {@code base}, magnified, with its top left corner at (left, top). */
    private static void drawTile(BufferedImage out, int left, int top, float[] pixels, int base, int channels,
                                 int height, int width, int scale) {
        int plane = height * width;
        int[] line = new int[width * scale];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int at = base + y * width + x;
                int rgb = channels == 1 ? colour(pixels[at], pixels[at], pixels[at])
                        : colour(pixels[at], pixels[at + plane], pixels[at + 2 * plane]);
                Arrays.fill(line, x * scale, (x + 1) * scale, rgb);
            }
            for (int s = 0; s < scale; s++) {
                out.setRGB(left, top + y * scale + s, line.length, 1, line, 0, 0);
            }
        }
    }

    private static int colour(float r, float g, float b) {
        if (Float.isNaN(r) || Float.isNaN(g) || Float.isNaN(b)) {
            return NAN_MARKER;
        }
        return PixelScale.toByte(r) << 16 | PixelScale.toByte(g) << 8 | PixelScale.toByte(b);
    }
}
