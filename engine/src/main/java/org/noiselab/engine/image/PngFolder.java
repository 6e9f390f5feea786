package org.noiselab.engine.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import org.noiselab.engine.io.FileFormatException;

/**
 * A folder of PNG images. When the folder has subfolders, each subfolder (sorted by name) is a class named after it,
 * and its {@code *.png} files (sorted by name) are that class's images; otherwise the {@code *.png} files directly in
 * the folder form an unlabelled set. Hidden entries (names starting with a dot) and other files are ignored. The set
 * is named after the folder.
 *
 * <p>With one channel, colour pixels become their luminance {@code 0.299 R + 0.587 G + 0.114 B} (ITU-R BT.601); with
 * three, grey pixels are replicated to R, G and B. Grey PNGs are read from their samples (not through Java's
 * linear-grey colour conversion); alpha is ignored. All images must share one size, and sizes are checked from the
 * PNG headers before any image is decoded.
 */
public final class PngFolder {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngFolder() {
    }

    /**
     * Reads a folder of PNG images.
     *
     * @param channels 1 (grey) or 3 (RGB)
     * @throws FileFormatException when the folder holds no images, a class folder is empty, the folder mixes class
     *                             folders with loose PNGs, a file is not a readable PNG, or the sizes differ
     * @throws IOException         when a file cannot be read
     */
    public static ImageSet read(Path dir, int channels) throws IOException {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels = " + channels + ": must be 1 or 3");
        }
        if (!Files.isDirectory(dir)) {
            throw new FileFormatException(dir + ": not a directory of PNG images");
        }
        List<Path> classDirs = list(dir, true);
        List<Path> loose = list(dir, false);
        List<Path> files = new ArrayList<>();
        List<Integer> labelList = new ArrayList<>();
        List<String> classNames = new ArrayList<>();
        if (classDirs.isEmpty()) {
            if (loose.isEmpty()) {
                throw new FileFormatException(dir + ": no .png files and no class folders");
            }
            files.addAll(loose);
        } else {
            if (!loose.isEmpty()) {
                throw new FileFormatException(dir + ": has class folders and also loose images such as "
                        + ImageFiles.nameOf(loose.get(0)) + "; move each image into its class folder");
            }
            for (Path classDir : classDirs) {
                List<Path> pngs = list(classDir, false);
                if (pngs.isEmpty()) {
                    throw new FileFormatException(dir.relativize(classDir) + ": class folder has no .png files");
                }
                for (Path png : pngs) {
                    files.add(png);
                    labelList.add(classNames.size());
                }
                classNames.add(ImageFiles.nameOf(classDir));
            }
        }
        return readFiles(dir, files, labelList, classNames, channels);
    }

    private static ImageSet readFiles(Path dir, List<Path> files, List<Integer> labelList, List<String> classNames,
                                      int channels) throws IOException {
        int[] size = pngSize(dir, files.get(0));
        for (Path file : files.subList(1, files.size())) {
            int[] other = pngSize(dir, file);
            if (other[0] != size[0] || other[1] != size[1]) {
                throw new FileFormatException(dir.relativize(file) + ": size " + other[0] + "x" + other[1]
                        + " differs from " + size[0] + "x" + size[1] + " of " + dir.relativize(files.get(0))
                        + " (width x height; all images must share one size)");
            }
        }
        int width = size[0];
        int height = size[1];
        int total = ImageSet.checkShape(dir.toString(), files.size(), channels, height, width);
        float[] pixels = new float[total];
        int dim = channels * height * width;
        for (int i = 0; i < files.size(); i++) {
            BufferedImage image = decode(dir, files.get(i));
            if (image.getWidth() != width || image.getHeight() != height) {
                throw new FileFormatException(dir.relativize(files.get(i)) + ": decoded size " + image.getWidth()
                        + "x" + image.getHeight() + " differs from its header's " + width + "x" + height);
            }
            convert(image, channels, pixels, i * dim);
        }
        int[] labels = classNames.isEmpty() ? null : labelList.stream().mapToInt(Integer::intValue).toArray();
        return ImageSet.owning(ImageFiles.nameOf(dir.toAbsolutePath().normalize()), channels, height, width,
                files.size(), pixels, labels, classNames);
    }

    /** Sorted non-hidden subdirectories, or sorted non-hidden {@code *.png} regular files. */
    private static List<Path> list(Path dir, boolean directories) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> !ImageFiles.nameOf(p).startsWith("."))
                    .filter(p -> directories ? Files.isDirectory(p) : (Files.isRegularFile(p)
                            && ImageFiles.nameOf(p).toLowerCase(Locale.ROOT).endsWith(".png")))
                    .sorted()
                    .toList();
        }
    }

    /** Width and height from the PNG signature and IHDR chunk (the first 24 bytes). */
    private static int[] pngSize(Path dir, Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(24);
        }
        Path shown = dir.relativize(file);
        if (head.length < 24 || !Arrays.equals(head, 0, 8, SIGNATURE, 0, 8)
                || head[12] != 'I' || head[13] != 'H' || head[14] != 'D' || head[15] != 'R') {
            throw new FileFormatException(shown + ": not a PNG file (" + (head.length == 0 ? "empty"
                    : head.length < 24 ? "only " + head.length + " bytes" : "no PNG signature and header") + ")");
        }
        int width = ImageFiles.bigEndianInt(head, 16);
        int height = ImageFiles.bigEndianInt(head, 20);
        ImageSet.checkShape(shown.toString(), 1, 1, height, width);
        return new int[] {width, height};
    }

    private static BufferedImage decode(Path dir, Path file) throws IOException {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IIOException | RuntimeException e) {
            throw new FileFormatException(dir.relativize(file) + ": unreadable PNG (" + e.getMessage() + ")", e);
        }
        if (image == null) {
            throw new FileFormatException(dir.relativize(file) + ": unreadable PNG (no image decoder accepts it)");
        }
        return image;
    }

    /** Writes one image's CHW values at {@code base}. */
    private static void convert(BufferedImage image, int channels, float[] out, int base) {
        int width = image.getWidth();
        int height = image.getHeight();
        int plane = width * height;
        ColorModel cm = image.getColorModel();
        boolean grey = cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel);
        Raster raster = image.getRaster();
        double greyScale = grey ? 255.0 / ((1L << cm.getComponentSize(0)) - 1) : 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int at = base + y * width + x;
                if (grey) {
                    float v = PixelScale.fromIntensity(raster.getSample(x, y, 0) * greyScale);
                    for (int c = 0; c < channels; c++) {
                        out[at + c * plane] = v;
                    }
                    continue;
                }
                int rgb = image.getRGB(x, y);
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                if (channels == 1) {
                    out[at] = PixelScale.fromIntensity(0.299 * r + 0.587 * g + 0.114 * b);
                } else {
                    out[at] = PixelScale.fromByte(r);
                    out[at + plane] = PixelScale.fromByte(g);
                    out[at + 2 * plane] = PixelScale.fromByte(b);
                }
            }
        }
    }
}
