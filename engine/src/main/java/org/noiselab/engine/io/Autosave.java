package org.noiselab.engine.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.noiselab.engine.train.StepReport;
import org.noiselab.engine.train.TrainingListener;
import org.noiselab.engine.train.TrainingOutcome;
import org.noiselab.engine.train.TrainingSession;

/**
 * Saves the run every {@code every} steps, atomically, to one file: a crash or kill at any moment leaves on disk the
 * previous complete checkpoint (never a partial one), at most {@code every} steps behind.
 */
public final class Autosave implements TrainingListener {

    private final Path file;
    private final int every;
    private int lastSaved = -1;

    public Autosave(Path file, int every) {
        if (every < 1) {
            throw new org.noiselab.engine.InvalidConfigException("autosave-every", every, "must be >= 1");
        }
        this.file = file;
        this.every = every;
    }

    @Override
    public void onStep(TrainingSession session, StepReport report) {
        if (report.step() % every == 0) {
            save(session);
        }
    }

    /** A diverged run went back to its last good weights: the file then holds those, not a later autosave. */
    @Override
    public void onEnd(TrainingSession session, TrainingOutcome outcome) {
        if (outcome.status() == TrainingOutcome.Status.DIVERGED && lastSaved > session.step()) {
            save(session);
        }
    }

    /** The step of the last autosave, -1 before the first. */
    public int lastSaved() {
        return lastSaved;
    }

    private void save(TrainingSession session) {
        try {
            java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
            CheckpointIO.save(CheckpointIO.of(session.setup(), session.state(), Map.of()), file);
            lastSaved = session.step();
        } catch (IOException e) {
            throw new UncheckedIOException("autosave to " + file + " failed: " + e.getMessage(), e);
        }
    }
}
