package org.noiselab.app.viewmodel;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.noiselab.app.service.DialogService;

/** A dialog service that records what it was asked to show and answers file questions from a queue. */
public final class RecordingDialogs implements DialogService {

    public final List<String> errors = new CopyOnWriteArrayList<>();
    public final List<String> notices = new CopyOnWriteArrayList<>();
    public volatile Path nextFile;

    @Override
    public void showError(String summary, Throwable details) {
        errors.add(summary);
    }

    @Override
    public void notify(String message) {
        notices.add(message);
    }

    @Override
    public Optional<Path> chooseCheckpointToOpen() {
        return Optional.ofNullable(nextFile);
    }

    @Override
    public Optional<Path> chooseRunFolder() {
        return Optional.ofNullable(nextFile);
    }

    @Override
    public Optional<Path> chooseCheckpointToSave(String suggestedName) {
        return Optional.ofNullable(nextFile);
    }

    @Override
    public Optional<Path> chooseExportTarget(String suggestedName, String extension) {
        return Optional.ofNullable(nextFile);
    }
}
