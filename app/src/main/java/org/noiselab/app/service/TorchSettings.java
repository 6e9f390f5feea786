package org.noiselab.app.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.prefs.Preferences;

/**
 * Where the PyTorch trainer lives: the Python interpreter (a preference, {@code python3} from the PATH by default) and
 * the folder holding the {@code noiselab_torch} package ({@code python/} of the lab's folder: the system property
 * {@code noiselab.pythonRoot}, which {@code bin/noiselab} sets, or the first {@code python/noiselab_torch} above the
 * working folder or the application's jar).
 */
public final class TorchSettings {

    static final String INTERPRETER_KEY = "torch.python";
    static final String DEFAULT_INTERPRETER = "python3";

    private final Preferences prefs;

    public TorchSettings(Preferences prefs) {
        this.prefs = prefs;
    }

    /** The interpreter to start the trainer with. */
    public String interpreter() {
        return prefs.get(INTERPRETER_KEY, DEFAULT_INTERPRETER);
    }

    /** Remembers the interpreter (best effort: a refused store leaves the default for the next start). */
    public void setInterpreter(String python) {
        try {
            prefs.put(INTERPRETER_KEY, python.strip());
        } catch (IllegalStateException | SecurityException e) {
            // the next start asks python3 again
        }
    }

    /** The folder holding {@code noiselab_torch}, if it can be found. */
    public static Optional<Path> pythonRoot() {
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
            Path jar = Path.of(TorchSettings.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return above(jar);
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
