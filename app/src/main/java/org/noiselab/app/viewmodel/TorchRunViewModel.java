package org.noiselab.app.viewmodel;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.jspecify.annotations.Nullable;
import org.noiselab.app.service.DialogService;
import org.noiselab.app.service.RunStore;
import org.noiselab.app.service.TorchSettings;
import org.noiselab.app.service.TorchTrainer;
import org.noiselab.app.service.UiThread;

/**
 * Training with PyTorch from the lab (Run > Train with PyTorch...): checks the chosen interpreter, starts the twins'
 * trainer as a child process, shows its progress, follows its run folder through {@link LabViewModel#follow} (so each
 * checkpoint opens as it lands) and cancels it. One run at a time; every property changes on the UI thread.
 */
@Singleton
public final class TorchRunViewModel {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final LabViewModel lab;
    private final TorchSettings settings;
    private final RunStore store;
    private final DialogService dialogs;
    private final Executor ui;
    private @Nullable TorchTrainer trainer;
    private String where = "";

    @Inject
    public TorchRunViewModel(LabViewModel lab, TorchSettings settings, RunStore store, DialogService dialogs,
                             @UiThread Executor ui) {
        this.lab = lab;
        this.settings = settings;
        this.store = store;
        this.dialogs = dialogs;
        this.ui = ui;
    }

    /** The interpreter last used (the dialog's default). */
    public String interpreter() {
        return settings.interpreter();
    }

    /** A fresh run folder for a dataset under the lab's home: {@code torch-runs/NAME-yyyyMMdd-HHmmss}. */
    public Path defaultOut(String dataset) {
        String safe = dataset.replaceAll("[^A-Za-z0-9._-]", "_");
        return store.home().resolve("torch-runs").resolve(safe + "-" + LocalDateTime.now().format(STAMP));
    }

    /**
     * Checks the interpreter (off the UI thread), then starts the trainer and follows its folder; an image model's
     * checkpoints go to {@code openImageModel}. A problem (no such interpreter, no torch, no CUDA for a CUDA run, a
     * run already going) is one error naming it; the future completes when the trainer has started.
     */
    public CompletableFuture<Void> start(TorchTrainer.Request r, Consumer<Path> openImageModel) {
        if (trainer != null && trainer.running()) {
            dialogs.notify("a PyTorch run is going: stop it first (Run > Stop PyTorch run)");
            return CompletableFuture.failedFuture(new IllegalStateException("a PyTorch run is going"));
        }
        status.set("PyTorch: checking " + r.python() + "...");
        running.set(true);
        CompletableFuture<Void> started = CompletableFuture.runAsync(() -> launch(r, openImageModel));
        return started.whenComplete((v, e) -> {
            if (e != null) {
                ui.execute(() -> {
                    running.set(false);
                    status.set("");
                    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                            ? e.getCause() : e;
                    dialogs.showError("Could not start PyTorch training: " + cause.getMessage(), cause);
                });
            }
        });
    }

    private void launch(TorchTrainer.Request r, Consumer<Path> openImageModel) {
        try {
            TorchTrainer.Probe probe = TorchTrainer.probe(r.python());
            settings.setInterpreter(r.python()); // remembered once it proved to have torch
            if (r.device().equals("cuda") && !probe.cuda()) {
                throw new IllegalArgumentException("PyTorch " + probe.torchVersion() + " in '" + r.python()
                        + "' sees no CUDA device: choose Device auto or cpu");
            }
            Path root = org.noiselab.engine.PythonTwins.root().orElseThrow(() -> new IllegalStateException(
                    "the noiselab_torch package (python/ in the lab's folder) was not found"));
            TorchTrainer t = TorchTrainer.start(r, root, new Reports(r.out()));
            ui.execute(() -> {
                trainer = t;
                where = "";
                status.set("PyTorch: starting in " + r.out().getFileName());
                lab.follow(r.out(), openImageModel);
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CompletionException(e);
        } catch (java.io.IOException e) {
            throw new java.util.concurrent.CompletionException(new IllegalArgumentException(
                    "the trainer could not be started: " + e.getMessage(), e));
        }
    }

    /** Asks the running trainer to stop: it saves the step reached and the run ends as cancelled. */
    public void cancel() {
        if (trainer != null && trainer.running()) {
            trainer.cancel();
            status.set("PyTorch: stopping (the trainer saves the step it reached)...");
        }
    }

    /** Stops a running trainer before the app exits (it saves the step reached). */
    public void shutdown() {
        TorchTrainer t = trainer;
        if (t != null) {
            t.close();
        }
    }

    /** Whether a PyTorch run is starting or going. */
    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** The run's progress in words, empty when none was started. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** The trainer's reports, moved to the UI thread. */
    private final class Reports implements TorchTrainer.Listener {
        private final String folder;

        Reports(Path out) {
            this.folder = String.valueOf(out.getFileName());
        }

        @Override
        public void started(String words) {
            ui.execute(() -> {
                where = words;
                status.set("PyTorch (" + words + "): started in " + folder);
            });
        }

        @Override
        public void progress(TorchTrainer.Progress p) {
            ui.execute(() -> status.set(String.format(Locale.ROOT, "PyTorch (%s): step %,d of %,d, loss %.4g, %.3g"
                    + " steps/s", where, p.step(), p.steps(), p.loss(), p.stepsPerSecond())));
        }

        @Override
        public void ended(String state, String message) {
            ui.execute(() -> {
                running.set(false);
                String words = "PyTorch run " + state + (message.isEmpty() ? "" : ": " + message);
                status.set(words + " (" + folder + ")");
                if (state.equals("failed")) {
                    dialogs.showError("The PyTorch run failed: " + (message.isEmpty() ? "see the log" : message),
                            new IllegalStateException(words));
                }
            });
        }
    }
}
