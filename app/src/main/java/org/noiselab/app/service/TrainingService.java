package org.noiselab.app.service;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.noiselab.app.service.UiThread;
import org.noiselab.engine.io.Autosave;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.objective.LevelCalibration;
import org.noiselab.engine.objective.ObjectiveSpec;
import org.noiselab.engine.train.StepReport;
import org.noiselab.engine.train.TrainingControl;
import org.noiselab.engine.train.TrainingListener;
import org.noiselab.engine.train.TrainingLoop;
import org.noiselab.engine.train.TrainingOutcome;
import org.noiselab.engine.train.TrainingSession;
import org.noiselab.engine.train.TrainingSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's facade over one training run. All engine work happens on the training thread; commands may be called
 * from any thread and return futures; listeners receive coalesced {@link TrainingSnapshot}s on the UI thread (about
 * 15 per second while training, never one per step).
 *
 * <p>While training, the run is saved atomically every {@value #AUTOSAVE_EVERY} steps to the run store's autosave
 * file, so a crash loses at most that many steps.
 *
 * <p>Pausing ends the current training loop between steps (so saving, stepping or opening can use the thread);
 * playing starts a new loop on the same session. A run that would be replaced (new run, reset, open, exit) while it
 * holds unsaved steps is first kept in the {@link RunStore}.
 */
@Singleton
public final class TrainingService {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingService.class);
    /** While training, the run is also saved to the run store's autosave file every this many steps. */
    static final int AUTOSAVE_EVERY = 2000;
    /** Snapshots reach the UI about 15 times a second: smooth to the eye, and cheap for a software renderer. */
    private static final long PUBLISH_INTERVAL_NANOS = 66_000_000L;

    private final ExecutorService thread;
    private final RunStore store;
    private final List<Consumer<TrainingSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final CoalescingPublisher<TrainingSnapshot> publisher;
    private volatile boolean wantRunning;
    private volatile @Nullable TrainingControl activeControl;

    // confined to the training thread
    private @Nullable TrainingSession session;
    private @Nullable Path source;
    private boolean unsaved;
    private RunState state = RunState.PAUSED;
    private @Nullable String message;
    private double stepsPerSecond;

    @Inject
    public TrainingService(Workers workers, @UiThread Executor ui, RunStore store) {
        this.thread = workers.training();
        this.store = store;
        this.publisher = new CoalescingPublisher<>(ui, s -> listeners.forEach(l -> l.accept(s)));
    }

    /** Receives every published snapshot on the UI thread. */
    public void addListener(Consumer<TrainingSnapshot> listener) {
        listeners.add(listener);
    }

    /** Starts a fresh, untrained run (keeping the current one in the run store if it has unsaved steps). */
    public CompletableFuture<TrainingSnapshot> start(TrainingSetup setup) {
        pause();
        return call(() -> {
            message = null;
            keepUnsaved();
            session = TrainingSession.start(setup);
            source = null;
            unsaved = false;
            state = RunState.PAUSED;
            return publishNow();
        });
    }

    /** Opens a checkpoint file and continues its run. */
    public CompletableFuture<TrainingSnapshot> open(Path file) {
        pause();
        return call(() -> adopt(CheckpointIO.load(file), file));
    }

    /** Adopts an already loaded checkpoint (the embedded default, say); {@code origin} may be null. */
    public CompletableFuture<TrainingSnapshot> open(Checkpoint checkpoint, @Nullable Path origin) {
        pause();
        return call(() -> adopt(checkpoint, origin));
    }

    private TrainingSnapshot adopt(Checkpoint c, @Nullable Path origin) throws IOException {
        if (org.noiselab.engine.model.Models.imageShape(c.setup().model()) != null) {
            throw new IllegalArgumentException("this is an image model: open it in the Images view (File > Open image"
                    + " model...)");
        }
        keepUnsaved();
        session = TrainingSession.resume(c.setup(), c.state());
        source = origin;
        unsaved = false;
        state = session.finished() ? RunState.FINISHED : RunState.PAUSED;
        message = null;
        return publishNow();
    }

    /** Saves the run atomically to {@code file}; training resumes afterwards if it was running. */
    public CompletableFuture<Path> save(Path file) {
        boolean resume = wantRunning;
        pause();
        CompletableFuture<Path> saved = call(() -> {
            TrainingSession s = requireSession();
            CheckpointIO.save(checkpoint(s), file);
            source = file;
            unsaved = false;
            message = "saved " + file.getFileName();
            publishNow();
            return file;
        });
        return resume ? saved.whenComplete((p, e) -> play()) : saved;
    }

    /** Trains until paused or the budget is spent. */
    public void play() {
        wantRunning = true;
        thread.execute(this::runLoop);
    }

    /** Stops after the current step. */
    public void pause() {
        wantRunning = false;
        TrainingControl c = activeControl;
        if (c != null) {
            c.cancel();
        }
    }

    /** Pauses, then takes exactly one step. */
    public CompletableFuture<TrainingSnapshot> step() {
        pause();
        return call(() -> {
            TrainingSession s = requireSession();
            if (state == RunState.PAUSED) {
                finish(TrainingLoop.run(s, s.step() + 1, new TrainingControl(), List.of(new Publisher())));
            }
            return publishNow();
        });
    }

    /** Starts the same setup again from step 0 (keeping the old run if unsaved). */
    public CompletableFuture<TrainingSnapshot> reset() {
        pause();
        return call(() -> {
            message = null;
            keepUnsaved();
            session = TrainingSession.start(requireSession().setup());
            source = null;
            unsaved = false;
            state = RunState.PAUSED;
            return publishNow();
        });
    }

    /** Stops training and keeps an unsaved run; call before exit. */
    public CompletableFuture<Void> shutdown() {
        pause();
        return call(() -> {
            keepUnsaved();
            return null;
        });
    }

    private void runLoop() {
        TrainingSession s = session;
        if (!wantRunning || s == null || state != RunState.PAUSED) {
            return;
        }
        TrainingControl control = new TrainingControl();
        activeControl = control;
        state = RunState.RUNNING;
        message = null;
        publishNow();
        try {
            finish(TrainingLoop.run(s, control, List.of(new Publisher(), new Autosave(store.autosaveFile(s.setup()),
                    AUTOSAVE_EVERY))));
        } finally {
            activeControl = null;
        }
        publishNow();
    }

    private void finish(TrainingOutcome outcome) {
        switch (outcome.status()) {
            case COMPLETED -> {
                state = requireSession().finished() ? RunState.FINISHED : RunState.PAUSED;
                if (state == RunState.FINISHED) {
                    calibrateIfCdm(requireSession());
                }
            }
            case CANCELLED -> state = RunState.PAUSED;
            case DIVERGED -> {
                state = RunState.DIVERGED;
                message = outcome.error() == null ? "training diverged" : outcome.error().getMessage();
            }
            case FAILED -> {
                state = RunState.PAUSED;
                LOG.error("training failed", outcome.error());
                message = "training stopped: " + outcome.error();
            }
        }
        if (outcome.step() > 0 && outcome.lastReport() != null) {
            unsaved = true;
        }
    }

    /**
     * A finished unconditional CDM gets the level calibration the CLI's {@code train} gives it (draws per level as
     * there), so that its single-pass likelihood is the cross-entropy's optimum over the level offsets.
     */
    private void calibrateIfCdm(TrainingSession s) {
        if (!(s.setup().objective() instanceof ObjectiveSpec.Cdm)
                || s.setup().model().classCount() > 0) {
            return;
        }
        message = "calibrating the noise levels...";
        publishNow();
        try {
            var result = s.calibrateLevels(LevelCalibration.DEFAULT_DRAWS_PER_LEVEL);
            message = String.format("finished; level calibration moved the single-pass log-density by %+.4f nats",
                    result.likelihoodShift());
        } catch (RuntimeException e) {
            LOG.error("level calibration failed", e);
            message = "finished; level calibration failed: " + e.getMessage();
        }
    }

    private void keepUnsaved() throws IOException {
        if (session != null && unsaved && session.step() > 0) {
            Path kept = store.keep(checkpoint(session));
            unsaved = false;
            message = "previous run kept in " + kept;
            LOG.info("kept unsaved run in {}", kept);
        }
    }

    private static Checkpoint checkpoint(TrainingSession s) {
        float[] losses = s.lossHistory();
        double recent = 0;
        int from = Math.max(0, losses.length - 100);
        for (int i = from; i < losses.length; i++) {
            recent += losses[i];
        }
        Map<String, Double> metrics = losses.length == 0 ? Map.of() : Map.of("finalLoss", recent / (losses.length - from));
        return CheckpointIO.of(s.setup(), s.state(), metrics);
    }

    private TrainingSession requireSession() {
        if (session == null) {
            throw new IllegalStateException("no training run is open");
        }
        return session;
    }

    private TrainingSnapshot publishNow() {
        TrainingSnapshot snap = snapshot();
        publisher.publish(snap);
        return snap;
    }

    private TrainingSnapshot snapshot() {
        TrainingSession s = requireSession();
        float[] losses = s.lossHistory();
        double loss = Double.NaN;
        if (losses.length > 0) {
            int from = Math.max(0, losses.length - 50);
            double sum = 0;
            for (int i = from; i < losses.length; i++) {
                sum += losses[i];
            }
            loss = sum / (losses.length - from);
        }
        double lr = s.setup().config().learningRate().rate(Math.max(1, s.step()), s.setup().config().steps());
        ModelSnapshot model = new ModelSnapshot(s.setup().model(), s.setup().schedule(), s.setup().dataset(), s.step(),
                s.emaParameters(), s.parameters());
        // a speed is shown only while training: paused, the last figure would read as a current one
        return new TrainingSnapshot(s.setup(), state, s.step(), loss, lr, state == RunState.RUNNING ? stepsPerSecond : 0,
                losses, model, source, unsaved, message);
    }

    private <T> CompletableFuture<T> call(IoCallable<T> work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.call();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, thread);
    }

    @FunctionalInterface
    private interface IoCallable<T> {
        T call() throws IOException;
    }

    /** Publishes a snapshot at most every 66 ms and stops the loop once a pause was requested. */
    private final class Publisher implements TrainingListener {
        private long lastPublish = System.nanoTime();
        private int lastStep = -1;

        @Override
        public void onStep(TrainingSession s, StepReport report) {
            unsaved = true;
            if (!wantRunning && activeControl != null) {
                activeControl.cancel();
            }
            long now = System.nanoTime();
            if (lastStep < 0) {
                lastStep = report.step() - 1;
            }
            if (now - lastPublish >= PUBLISH_INTERVAL_NANOS) {
                stepsPerSecond = (report.step() - lastStep) / ((now - lastPublish) / 1e9);
                lastPublish = now;
                lastStep = report.step();
                publishNow();
            }
        }
    }
}
