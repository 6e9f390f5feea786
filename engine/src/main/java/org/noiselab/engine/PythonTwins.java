package org.noiselab.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the PyTorch twins live: the folder holding the {@code noiselab_torch} package ({@code python/} of the lab's
 * folder). The system property {@code noiselab.pythonRoot} names it ({@code bin/noiselab} sets it); otherwise it is
 * the first {@code python/noiselab_torch} above the working folder, or above the code's own jar.
 */
public final class PythonTwins {

    private PythonTwins() {
    }

    /** The folder holding {@code noiselab_torch}, if it can be found. */
    public static Optional<Path> root() {
        String set = System.getProperty("noiselab.pythonRoot");
        if (set != null && !set.isBlank()) {
            Path p = Path.of(set);
            return holdsPackage(p) ? Optional.of(p) : Optional.empty();
        }
        Optional<Path> fromWorkingFolder = above(Path.of("").toAbsolutePath());
        if (fromWorkingFolder.isPresent()) {
            return fromWorkingFolder;
        }
        try {
            return above(Path.of(PythonTwins.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> above(Path start) {
        for (Path p = start; p != null; p = p.getParent()) {
            if (holdsPackage(p.resolve("python"))) {
                return Optional.of(p.resolve("python"));
            }
        }
        return Optional.empty();
    }

    private static boolean holdsPackage(Path root) {
        return Files.isRegularFile(root.resolve("noiselab_torch").resolve("train.py"));
    }
}
