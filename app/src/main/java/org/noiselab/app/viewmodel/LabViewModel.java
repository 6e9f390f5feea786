package org.noiselab.app.viewmodel;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import org.noiselab.app.service.DefaultRun;
import org.noiselab.app.service.DialogService;
import org.noiselab.app.service.ModelChoice;
import org.noiselab.app.service.ModelSnapshot;
import org.noiselab.app.service.RecentFiles;
import org.noiselab.app.service.RunFollower;
import org.noiselab.app.service.RunState;
import org.noiselab.app.service.TrainingService;
import org.noiselab.app.service.TrainingSnapshot;
import org.noiselab.app.service.UiThread;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.train.TrainingSetup;

/**
 * The current training run as the UI sees it: progress, loss, speed, state, the model weights for analysis views,
 * and the commands that drive the run (play, pause, step, reset, open, save). Every property changes on the UI thread.
 */
@Singleton
public final class LabViewModel {

    // ---- Properties
    private final ReadOnlyObjectWrapper<TrainingSnapshot> snapshot = new ReadOnlyObjectWrapper<>(this, "snapshot");
    private final ReadOnlyObjectWrapper<ModelSnapshot> model = new ReadOnlyObjectWrapper<>(this, "model");
    private final ReadOnlyObjectWrapper<TrainingSetup> setup = new ReadOnlyObjectWrapper<>(this, "setup");
    private final ReadOnlyObjectWrapper<RunState> state = new ReadOnlyObjectWrapper<>(this, "state", RunState.PAUSED);
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
    private final ReadOnlyBooleanWrapper canTrain = new ReadOnlyBooleanWrapper(this, "canTrain");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyIntegerWrapper step = new ReadOnlyIntegerWrapper(this, "step");
    private final ReadOnlyIntegerWrapper totalSteps = new ReadOnlyIntegerWrapper(this, "totalSteps", 1);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress");
    private final ReadOnlyDoubleWrapper loss = new ReadOnlyDoubleWrapper(this, "loss", Double.NaN);
    private final ReadOnlyDoubleWrapper stepsPerSecond = new ReadOnlyDoubleWrapper(this, "stepsPerSecond");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "Noise Lab");
    private final ReadOnlyStringWrapper following = new ReadOnlyStringWrapper(this, "following", "");
    private final ObjectProperty<ModelChoice> modelChoice = new SimpleObjectProperty<>(this, "modelChoice",
            ModelChoice.EMA);

    private final TrainingService training;
    private final DialogService dialogs;
    private final RecentFiles recent;
    private final Executor ui;
    private @Nullable RunFollower follower;
    private String baseStatus = "";

    /** How often a followed run folder is looked at. */
    static final Duration FOLLOW_INTERVAL = Duration.ofSeconds(2);

    @Inject
    public LabViewModel(TrainingService training, DialogService dialogs, RecentFiles recent, @UiThread Executor ui) {
        this.training = training;
        this.dialogs = dialogs;
        this.recent = recent;
        this.ui = ui;
        training.addListener(this::apply);
    }

    private void apply(TrainingSnapshot s) {
        snapshot.set(s);
        model.set(s.model());
        if (!s.setup().equals(setup.get())) {
            setup.set(s.setup());
        }
        state.set(s.state());
        running.set(s.state() == RunState.RUNNING);
        canTrain.set(s.state() == RunState.PAUSED || s.state() == RunState.RUNNING);
        step.set(s.step());
        totalSteps.set(s.totalSteps());
        progress.set(s.progress());
        loss.set(s.loss());
        stepsPerSecond.set(s.stepsPerSecond());
        String file = s.source() == null ? "untitled" : s.source().getFileName().toString();
        title.set("Noise Lab - " + s.setup().dataset() + " - " + file + (s.unsaved() ? " *" : ""));
        if (s.message() != null) {
            baseStatus = s.message();
        } else {
            baseStatus = switch (s.state()) {
                case RUNNING -> "training";
                case PAUSED -> s.step() == 0 ? "ready to train" : "paused";
                case FINISHED -> "finished: all " + s.totalSteps() + " steps done";
                case DIVERGED -> "training diverged";
            };
        }
        showStatus();
    }

    private void showStatus() {
        status.set(following.get().isEmpty() ? baseStatus : baseStatus + "  |  " + following.get());
    }

    /**
     * Follows a training run's folder (the PyTorch trainer's {@code --out}): opens its newest checkpoint, here or, for
     * an image model, with {@code openImageModel}, and again whenever a newer one appears, until the run ends or
     * {@link #stopFollowing()}. The run's state shows in {@link #followingProperty()} and the status line.
     */
    public void follow(Path dir, Consumer<Path> openImageModel) {
        stopFollowing();
        String name = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
        following.set("following " + name + ": looking");
        showStatus();
        RunFollower started = RunFollower.start(dir, FOLLOW_INTERVAL, new RunFollower.Listener() {
            @Override
            public void checkpoint(Path file, long stepNumber, boolean imageModel) {
                ui.execute(() -> {
                    if (imageModel) {
                        openImageModel.accept(file);
                    } else {
                        track(training.open(file), "Could not open " + file.getFileName());
                    }
                });
            }

            @Override
            public void state(String words, boolean ended) {
                ui.execute(() -> {
                    following.set((ended ? "followed " : "following ") + name + ": " + words);
                    showStatus();
                });
            }

            @Override
            public void failed(Exception e) {
                ui.execute(() -> {
                    following.set("stopped following " + name);
                    showStatus();
                    dialogs.showError("Could not follow " + name + ": " + shortReason(e), e);
                });
            }
        });
        follower = started;
    }

    /** Stops following a run folder (the models it opened stay open). */
    public void stopFollowing() {
        if (follower != null) {
            follower.close();
            follower = null;
            following.set("");
            showStatus();
        }
    }

    /** What the followed run is doing, empty when no run folder is followed. */
    public ReadOnlyStringProperty followingProperty() {
        return following.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<TrainingSnapshot> snapshotProperty() {
        return snapshot.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ModelSnapshot> modelProperty() {
        return model.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<TrainingSetup> setupProperty() {
        return setup.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<RunState> stateProperty() {
        return state.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty canTrainProperty() {
        return canTrain.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty stepProperty() {
        return step.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty totalStepsProperty() {
        return totalSteps.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty lossProperty() {
        return loss.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty stepsPerSecondProperty() {
        return stepsPerSecond.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    /** Which denoiser the analysis views evaluate. */
    public ObjectProperty<ModelChoice> modelChoiceProperty() {
        return modelChoice;
    }

    // ---- Commands

    /** Plays when paused, pauses when running. */
    public void togglePlay() {
        if (running.get()) {
            pause();
        } else {
            play();
        }
    }

    public void play() {
        if (state.get() == RunState.PAUSED) {
            training.play();
        } else if (state.get() == RunState.FINISHED) {
            dialogs.notify("all steps are done: raise the step budget and start a new run, or reset");
        }
    }

    public void pause() {
        training.pause();
    }

    /** One training step (pausing first). */
    public void step() {
        track(training.step(), "Could not take a training step");
    }

    /** Restarts the current setup from step 0; an unsaved run is kept in the run store. */
    public void reset() {
        track(training.reset(), "Could not reset the run");
    }

    /** Starts a fresh run with a new setup. */
    public CompletableFuture<?> newRun(TrainingSetup newSetup) {
        return track(training.start(newSetup), "Could not start the run");
    }

    /** Opens the embedded default: the pretrained 1D two-mode Gaussian. */
    public CompletableFuture<?> openDefault() {
        return openPretrained(DefaultRun.GAUSS_1D);
    }

    /** Opens one of the checkpoints shipped with the app (see {@link DefaultRun}). */
    public CompletableFuture<?> openPretrained(String resource) {
        return track(CompletableFuture.supplyAsync(() -> DefaultRun.load(resource))
                .thenCompose(c -> training.open(c, null)), "Could not open the pretrained model");
    }

    /** Opens a checkpoint file. */
    public CompletableFuture<?> open(Path file) {
        return track(training.open(file).thenApply(s -> {
            ui.execute(() -> recent.add(file));
            return s;
        }), "Could not open " + file.getFileName());
    }

    /** Asks for a file and opens it. */
    public void openWithDialog() {
        dialogs.chooseCheckpointToOpen().ifPresent(this::open);
    }

    /** Saves to the run's file, or asks where when it has none. */
    public void save() {
        TrainingSnapshot s = snapshot.get();
        if (s != null && s.source() != null) {
            saveTo(s.source());
        } else {
            saveAs();
        }
    }

    /** Asks where to save, then saves. */
    public void saveAs() {
        TrainingSnapshot s = snapshot.get();
        String name = s == null ? "run.nlab" : s.setup().dataset() + "-" + s.setup().objective().kind() + ".nlab";
        dialogs.chooseCheckpointToSave(name).ifPresent(this::saveTo);
    }

    /** Saves atomically to a file. */
    public CompletableFuture<?> saveTo(Path file) {
        return track(training.save(file).thenApply(p -> {
            ui.execute(() -> recent.add(p));
            return p;
        }), "Could not save " + file.getFileName());
    }

    /** Stops training and keeps an unsaved run; returns when done. */
    public CompletableFuture<Void> shutdown() {
        stopFollowing();
        return training.shutdown();
    }

    private <T> CompletableFuture<T> track(CompletableFuture<T> work, String failure) {
        busy.set(true);
        work.whenComplete((r, e) -> ui.execute(() -> {
            busy.set(false);
            if (e != null) {
                Throwable cause = Failures.cause(e);
                dialogs.showError(failure + ": " + shortReason(cause), cause);
            }
        }));
        return work;
    }

    static String shortReason(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root
                && (root instanceof java.io.UncheckedIOException || root instanceof CompletionException)) {
            root = root.getCause();
        }
        String m = root.getMessage();
        if (root instanceof java.nio.file.NoSuchFileException) {
            return "the file does not exist";
        }
        return m == null ? root.getClass().getSimpleName() : m;
    }
}
