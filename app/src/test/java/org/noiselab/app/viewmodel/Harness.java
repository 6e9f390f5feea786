package org.noiselab.app.viewmodel;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.prefs.Preferences;
import org.noiselab.app.service.AnalysisService;
import org.noiselab.app.service.RecentFiles;
import org.noiselab.app.service.RunStore;
import org.noiselab.app.service.TorchSettings;
import org.noiselab.app.service.TrainingService;
import org.noiselab.app.service.Workers;

/**
 * The real services and view models wired by hand, without Guice: no display, no JavaFX toolkit. As in the app, one
 * "UI" thread applies every published snapshot, so a test never sees half of one: {@link #await} tests its condition
 * on that thread, between two updates, and {@link #onUi} reads there too.
 */
final class Harness implements AutoCloseable {

    private static final ExecutorService UI_THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "test-ui");
        t.setDaemon(true);
        return t;
    });

    final Executor ui = UI_THREAD;
    final Workers workers = new Workers();
    final RecordingDialogs dialogs = new RecordingDialogs();
    final RunStore store;
    final TrainingService training;
    final AnalysisService analysis;
    final LabViewModel lab;
    final SetupViewModel setup;
    final TorchRunViewModel torch;
    private final Preferences prefs;

    Harness(Path home) {
        store = new RunStore(home);
        training = new TrainingService(workers, ui, store);
        analysis = new AnalysisService(workers, ui);
        prefs = Preferences.userRoot().node("org/noiselab/test/" + Long.toHexString(System.nanoTime()));
        lab = new LabViewModel(training, dialogs, new RecentFiles(prefs), ui);
        setup = new SetupViewModel(lab);
        torch = new TorchRunViewModel(lab, new TorchSettings(prefs), store, dialogs, ui);
    }

    /** Evaluates {@code read} on the UI thread, after any update in progress there. */
    static <T> T onUi(java.util.function.Supplier<T> read) {
        try {
            return UI_THREAD.submit(read::get).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("reading on the UI thread failed", e);
        }
    }

    static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!onUi(condition::getAsBoolean)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Waits until everything queued before this call has run: the analysis thread's tasks, then the UI thread's
     * deliveries of their results. After it, a request that was dropped is known to have been dropped.
     */
    void drain() {
        try {
            workers.analysis().submit(() -> { }).get(60, TimeUnit.SECONDS);
            workers.training().submit(() -> { }).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("the engine threads did not drain", e);
        }
        onUi(() -> null);
    }

    @Override
    public void close() {
        torch.shutdown();
        lab.pause();
        workers.close();
        try {
            prefs.removeNode();
        } catch (java.util.prefs.BackingStoreException e) {
            // a leftover test node is harmless
        }
    }
}
