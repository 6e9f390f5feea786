package org.noiselab.app.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;

/**
 * Where the app keeps runs the user did not save: {@code ~/.noiselab/runs} (or {@code $noiselab.home/runs}). A run
 * replaced by a new one, a reset, or the closing window lands here, so no training is ever lost.
 */
public final class RunStore {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path home;

    public RunStore(Path home) {
        this.home = home;
    }

    /** The store under {@code -Dnoiselab.home} or {@code ~/.noiselab}. */
    public static RunStore fromSystem() {
        String configured = System.getProperty("noiselab.home");
        Path home = configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".noiselab");
        return new RunStore(home);
    }

    public Path home() {
        return home;
    }

    /** Where a training run of this setup is autosaved: {@code autosave/DATASET-OBJECTIVE.nlab}. */
    public Path autosaveFile(org.noiselab.engine.train.TrainingSetup setup) {
        return home.resolve("autosave").resolve(setup.dataset() + "-" + setup.objective().kind() + ".nlab");
    }

    /** Saves a checkpoint under a fresh, timestamped name and returns its path. */
    public Path keep(Checkpoint checkpoint) throws IOException {
        Path dir = home.resolve("runs");
        Files.createDirectories(dir);
        String base = checkpoint.setup().dataset() + "-" + checkpoint.setup().objective().kind() + "-step"
                + checkpoint.state().step() + "-" + LocalDateTime.now().format(STAMP);
        Path file = dir.resolve(base + ".nlab");
        for (int i = 2; Files.exists(file); i++) {
            file = dir.resolve(base + "-" + i + ".nlab");
        }
        CheckpointIO.save(checkpoint, file);
        return file;
    }
}
