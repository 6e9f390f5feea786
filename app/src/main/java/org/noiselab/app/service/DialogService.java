package org.noiselab.app.service;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How view models talk to the user without knowing about windows: short messages, errors with details on demand,
 * file choices. The JavaFX implementation lives with the views; tests use a recording fake.
 */
public interface DialogService {

    /** A short, non-technical failure message; the throwable's details are available on demand. */
    void showError(String summary, Throwable details);

    /** A passing notice (status line). */
    void notify(String message);

    /** Asks for an existing checkpoint to open. */
    Optional<Path> chooseCheckpointToOpen();

    /** Asks for a training run's folder to follow (what the PyTorch trainer writes with {@code --out}). */
    Optional<Path> chooseRunFolder();

    /** Asks where to save a checkpoint. */
    Optional<Path> chooseCheckpointToSave(String suggestedName);

    /** Asks where to write an exported file with the given extension ("png" or "csv"). */
    Optional<Path> chooseExportTarget(String suggestedName, String extension);
}
