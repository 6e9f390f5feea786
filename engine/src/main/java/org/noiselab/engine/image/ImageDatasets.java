package org.noiselab.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.InvalidConfigException;

/**
 * The image datasets a user names on the command line: {@code mnist} (IDX files, or the 1000 shipped test images when
 * no files are given), {@code cifar10} (binary batches) and {@code png} (a folder of PNGs, class subfolders optional).
 */
public final class ImageDatasets {

    /** Names accepted by {@link #open}. */
    public static final List<String> NAMES = List.of("mnist", "cifar10", "png");

    private static final String SHIPPED = "org/noiselab/assets/data/mnist/mnist-1k-";

    private ImageDatasets() {
    }

    /** Whether {@code name} is an image dataset (rather than a toy distribution). */
    public static boolean isImageDataset(String name) {
        return NAMES.contains(name);
    }

    /**
     * Opens an image dataset.
     *
     * @param name     mnist, cifar10 or png
     * @param data     for mnist: a directory with {@code train-*} (preferred) or {@code t10k-*} IDX files, or an
     *                 images file (its labels file beside it is used when present); null for the shipped 1000 images.
     *                 For cifar10: the directory of {@code data_batch_*.bin}. For png: the folder.
     * @param channels for png: 1 (grey) or 3 (RGB)
     */
    public static ImageSet open(String name, @Nullable Path data, int channels) throws IOException {
        return switch (name) {
            case "mnist" -> data == null ? shippedMnist() : mnist(data);
            case "cifar10" -> Cifar10Binary.readDirectory(require(name, data));
            case "png" -> PngFolder.read(require(name, data), channels);
            default -> throw new InvalidConfigException("--dataset", name, "is not an image dataset (" + NAMES + ")");
        };
    }

    private static Path require(String name, @Nullable Path data) {
        if (data == null) {
            throw new InvalidConfigException("--data", null, name + " needs --data DIR (the files to train on)");
        }
        return data;
    }

    private static ImageSet mnist(Path data) throws IOException {
        if (Files.isDirectory(data)) {
            boolean train = Files.exists(data.resolve("train-images-idx3-ubyte"))
                    || Files.exists(data.resolve("train-images-idx3-ubyte.gz"));
            return MnistIdx.readDirectory(data, train ? "train" : "t10k");
        }
        String file = data.getFileName().toString();
        Path labels = data.resolveSibling(file.replace("-images-idx3-ubyte", "-labels-idx1-ubyte"));
        return MnistIdx.read(data, !labels.equals(data) && Files.exists(labels) ? labels : null);
    }

    /**
     * The last 1000 MNIST test images (9000..9999), shipped on the class path (the assets module): held out from the
     * shipped models, which trained on the first 8000.
     */
    public static ImageSet shippedMnist() throws IOException {
        Path dir = Files.createTempDirectory("noiselab-mnist");
        try {
            Path images = copy(SHIPPED + "images-idx3-ubyte.gz", dir.resolve("mnist-1k-images-idx3-ubyte.gz"));
            Path labels = copy(SHIPPED + "labels-idx1-ubyte.gz", dir.resolve("mnist-1k-labels-idx1-ubyte.gz"));
            return MnistIdx.read(images, labels);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static Path copy(String resource, Path target) throws IOException {
        try (InputStream in = ImageDatasets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new InvalidConfigException("--data", null, "the shipped MNIST subset (" + resource
                        + ") is not on the class path; point --data at MNIST IDX files");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
