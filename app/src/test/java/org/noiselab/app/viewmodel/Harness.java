package org.noiselab.app.viewmodel;

import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.prefs.Preferences;
import org.noiselab.app.service.AnalysisService;
import org.noiselab.app.service.RecentFiles;
import org.noiselab.app.service.RunStore;
import org.noiselab.app.service.TrainingService;
import org.noiselab.app.service.Workers;

/**
 * The real services and view models wired by hand with a synchronous "UI" executor (STYLE rule 42): no display, no
 * JavaFX toolkit; properties change on the worker threads, so tests wait for conditions.
 */
final class Harness implements AutoCloseable {

    final Executor ui = Runnable::run;
    final Workers workers = new Workers();
    final RecordingDialogs dialogs = new RecordingDialogs();
    final RunStore store;
    final TrainingService training;
    final AnalysisService analysis;
    final LabViewModel lab;
    final SetupViewModel setup;

    Harness(Path home) {
        store = new RunStore(home);
        training = new TrainingService(workers, ui, store);
        analysis = new AnalysisService(workers, ui);
        Preferences prefs = Preferences.userRoot().node("org/noiselab/test/" + Long.toHexString(System.nanoTime()));
        lab = new LabViewModel(training, dialogs, new RecentFiles(prefs), ui);
        setup = new SetupViewModel(lab);
    }

    static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
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

    @Override
    public void close() {
        lab.pause();
        workers.close();
    }
}
