package org.noiselab.app.viewmodel;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.noiselab.app.service.AnalysisService;
import org.noiselab.app.service.DialogService;
import org.noiselab.app.service.ModelRef;
import org.noiselab.app.service.ModelSnapshot;
import org.noiselab.app.service.PicardRun;
import org.noiselab.engine.sample.PicardSpec;

/**
 * The Picard view: run parallel (Picard / ParaDiGMS) sampling on the current model, scrub or play through its
 * iterations, and compare its MMD per iteration with a second model's under the same settings and noise (the CDL
 * paper's figures 1 and 4).
 */
@Singleton
public final class PicardViewModel {

    // ---- Properties
    private final StringProperty drift = new SimpleStringProperty(this, "drift", "ddpm");
    private final IntegerProperty steps = new SimpleIntegerProperty(this, "steps", 1000);
    private final DoubleProperty tolerance = new SimpleDoubleProperty(this, "tolerance", 0.1);
    private final IntegerProperty window = new SimpleIntegerProperty(this, "window", 0);
    private final IntegerProperty sampleCount = new SimpleIntegerProperty(this, "sampleCount", 300);
    private final LongProperty seed = new SimpleLongProperty(this, "seed", 0);
    private final IntegerProperty iteration = new SimpleIntegerProperty(this, "iteration");
    private final BooleanProperty playing = new SimpleBooleanProperty(this, "playing");
    private final ReadOnlyIntegerWrapper iterationCount = new ReadOnlyIntegerWrapper(this, "iterationCount");
    private final ReadOnlyObjectWrapper<PicardRun> run = new ReadOnlyObjectWrapper<>(this, "run");
    private final ReadOnlyObjectWrapper<PicardRun> comparison = new ReadOnlyObjectWrapper<>(this, "comparison");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");

    private final LabViewModel lab;
    private final AnalysisService analysis;
    private final DialogService dialogs;
    private volatile boolean cancelRequested;

    @Inject
    public PicardViewModel(LabViewModel lab, AnalysisService analysis, DialogService dialogs) {
        this.lab = lab;
        this.analysis = analysis;
        this.dialogs = dialogs;
        iteration.addListener((o, a, b) -> {
            int max = Math.max(0, iterationCount.get() - 1);
            if (b.intValue() < 0 || b.intValue() > max) {
                iteration.set(Math.max(0, Math.min(max, b.intValue())));
            }
        });
        lab.setupProperty().addListener((o, a, s) -> {
            if (s != null) {
                steps.set(s.schedule().steps());
            }
        });
    }

    public List<String> drifts() {
        return List.of("ddpm", "ddim");
    }

    public StringProperty driftProperty() {
        return drift;
    }

    public IntegerProperty stepsProperty() {
        return steps;
    }

    public DoubleProperty toleranceProperty() {
        return tolerance;
    }

    /** Slots per iteration; 0 for all. */
    public IntegerProperty windowProperty() {
        return window;
    }

    public IntegerProperty sampleCountProperty() {
        return sampleCount;
    }

    public LongProperty seedProperty() {
        return seed;
    }

    /** The displayed iteration (0-based index into the run's frames). */
    public IntegerProperty iterationProperty() {
        return iteration;
    }

    public BooleanProperty playingProperty() {
        return playing;
    }

    public ReadOnlyIntegerProperty iterationCountProperty() {
        return iterationCount.getReadOnlyProperty();
    }

    /** The current model's run (updated live while it runs). */
    public ReadOnlyObjectProperty<PicardRun> runProperty() {
        return run.getReadOnlyProperty();
    }

    /** The comparison model's run. */
    public ReadOnlyObjectProperty<PicardRun> comparisonProperty() {
        return comparison.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    // ---- Commands

    /** Runs Picard on the current model with these settings. */
    public CompletableFuture<PicardRun> runCurrent() {
        ModelSnapshot m = lab.modelProperty().get();
        if (m == null) {
            return CompletableFuture.completedFuture(null);
        }
        return start(new ModelRef.Current(m, lab.modelChoiceProperty().get()), true);
    }

    /** The shipped models a run can be compared with: those whose data have the current run's dimension. */
    public java.util.List<org.noiselab.app.service.DefaultRun.Shipped> comparable() {
        ModelSnapshot m = lab.modelProperty().get();
        if (m == null) {
            return java.util.List.of();
        }
        int dim = org.noiselab.toys.ToyDatasets.byName(m.dataset()).dim();
        return org.noiselab.app.service.DefaultRun.SHIPPED.stream().filter(s -> s.dim() == dim).toList();
    }

    /** Runs the same settings on another model, for the side-by-side MMD curves. */
    public CompletableFuture<PicardRun> compareWith(ModelRef other) {
        return start(other, false);
    }

    /** Stops a running Picard run after its current iteration. */
    public void cancel() {
        cancelRequested = true;
    }

    private CompletableFuture<PicardRun> start(ModelRef ref, boolean primary) {
        if (busy.get()) {
            dialogs.notify("a Picard run is in progress");
            return CompletableFuture.completedFuture(null);
        }
        PicardSpec spec;
        try {
            ModelSnapshot m = lab.modelProperty().get();
            int k = Math.min(steps.get(), m == null ? steps.get() : m.schedule().steps());
            spec = new PicardSpec(k, window.get() >= k ? 0 : window.get(), tolerance.get(),
                    "ddim".equals(drift.get()) ? PicardSpec.Drift.DDIM : PicardSpec.Drift.DDPM);
            if (sampleCount.get() < 2 || sampleCount.get() > 5000) {
                throw new IllegalArgumentException("samples = " + sampleCount.get() + ": must lie in 2..5000");
            }
        } catch (IllegalArgumentException e) {
            dialogs.notify(e.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        cancelRequested = false;
        busy.set(true);
        playing.set(false);
        if (primary) {
            comparison.set(null);
        }
        summary.set("running Picard on " + ref.label() + "...");
        CompletableFuture<PicardRun> work = analysis.picard(ref, spec, sampleCount.get(), seed.get(), 5,
                partial -> show(partial, primary), () -> cancelRequested);
        work.whenComplete((r, e) -> {
            busy.set(false);
            if (e != null) {
                Throwable cause = Failures.cause(e);
                summary.set("Picard stopped");
                if (!(cause instanceof org.noiselab.engine.sample.SamplingCancelledException)) {
                    dialogs.showError("Picard sampling failed: " + cause.getMessage(), cause);
                }
                return;
            }
            show(r, primary);
        });
        return work;
    }

    private void show(PicardRun r, boolean primary) {
        if (primary) {
            run.set(r);
            iterationCount.set(r.frames().size());
            iteration.set(r.frames().size() - 1);
        } else {
            comparison.set(r);
        }
        PicardRun.Frame last = r.frames().get(r.frames().size() - 1);
        summary.set(String.format("%s: %s%d iterations, %d evaluations per sample (sequential: %d), final MMD %.4f",
                r.label(), r.done() ? "" : "so far ", r.frames().size(), last.evaluations(), r.spec().steps(),
                last.mmd()));
    }

    /** Starts or stops the animation (from the first iteration when at the end). */
    public void togglePlay() {
        if (!playing.get() && iteration.get() >= iterationCount.get() - 1) {
            iteration.set(0);
        }
        playing.set(!playing.get() && iterationCount.get() > 1);
    }

    /** One animation tick. */
    public void advance() {
        if (iteration.get() >= iterationCount.get() - 1) {
            playing.set(false);
        } else {
            iteration.set(iteration.get() + 1);
        }
    }

    /** The displayed frame, or null. */
    public PicardRun.Frame frame() {
        PicardRun r = run.get();
        if (r == null || r.frames().isEmpty()) {
            return null;
        }
        return r.frames().get(Math.min(iteration.get(), r.frames().size() - 1));
    }
}
