package org.noiselab.engine.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.image.ImageDatasets;
import org.noiselab.engine.image.ImageSet;
import picocli.CommandLine.Option;

/** Where a command's images come from, and which of them are held out for evaluation. */
final class ImageDataOptions {

    @Option(names = "--data", paramLabel = "PATH",
            description = "Images: MNIST IDX directory or images file (default: the 1000 shipped MNIST test images),"
                    + " CIFAR-10 binary batch directory, or PNG folder (class subfolders give labels).")
    Path data;

    @Option(names = "--image-channels", paramLabel = "C", defaultValue = "3",
            description = "png: 1 (grey) or 3 (RGB) (default: ${DEFAULT-VALUE}).")
    int imageChannels;

    @Option(names = "--held-out", paramLabel = "N",
            description = "Images: the last N images are held out of training and used for evaluation.")
    Integer heldOut;

    /** The images of {@code dataset}, split into training and held-out parts ({@code defaultHeldOut} if not given). */
    ImageSet.Split split(String dataset, int defaultHeldOut) throws IOException {
        if (imageChannels != 1 && imageChannels != 3) {
            throw new InvalidConfigException("--image-channels", imageChannels, "must be 1 or 3");
        }
        ImageSet all = ImageDatasets.open(dataset, data, imageChannels);
        int n = heldOut == null ? defaultHeldOut : heldOut;
        if (n < 0 || n >= all.count()) {
            throw new InvalidConfigException("--held-out", n, "must lie in 0.." + (all.count() - 1) + " (the set has "
                    + all.count() + " images)");
        }
        return n == 0 ? new ImageSet.Split(all, all.subset(all.count(), all.count())) : all.split(n);
    }
}
