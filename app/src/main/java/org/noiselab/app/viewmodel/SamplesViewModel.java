package org.noiselab.app.viewmodel;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletionException;
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
import java.util.List;
import org.noiselab.app.service.AnalysisService;
import org.noiselab.app.service.DialogService;
import org.noiselab.app.service.ModelChoice;
import org.noiselab.app.service.ModelSnapshot;
import org.noiselab.app.service.SampleTrajectory;
import org.noiselab.engine.sample.SamplerSpec;
import org.noiselab.toys.GaussianMixture;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;

/**
 * The samples view: draw samples from the selected model with a chosen sampler and step count, and scrub (or play)
 * through the recorded reverse process.
 */
@Singleton
public final class SamplesViewModel {

    // ---- Properties
    private final StringProperty sampler = new SimpleStringProperty(this, "sampler", "ddpm");
    private final IntegerProperty steps = new SimpleIntegerProperty(this, "steps", 100);
    private final IntegerProperty sampleCount = new SimpleIntegerProperty(this, "sampleCount", 1000);
    private final LongProperty seed = new SimpleLongProperty(this, "seed", 0);
    private final IntegerProperty frame = new SimpleIntegerProperty(this, "frame");
    private final BooleanProperty playing = new SimpleBooleanProperty(this, "playing");
    private final IntegerProperty label = new SimpleIntegerProperty(this, "label", UNCONDITIONAL);
    private final DoubleProperty guidance = new SimpleDoubleProperty(this, "guidance", 0);
    private final ReadOnlyObjectWrapper<List<String>> classes = new ReadOnlyObjectWrapper<>(this, "classes", List.of());
    private boolean resamplePending;
    private final ReadOnlyIntegerWrapper frameCount = new ReadOnlyIntegerWrapper(this, "frameCount", 1);
    private final ReadOnlyObjectWrapper<SampleTrajectory> trajectory = new ReadOnlyObjectWrapper<>(this, "trajectory");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");
    private final ReadOnlyObjectWrapper<double[][]> lineDensity = new ReadOnlyObjectWrapper<>(this, "lineDensity");
    private final ReadOnlyObjectWrapper<GridImage> planeDensity = new ReadOnlyObjectWrapper<>(this, "planeDensity");
    private long densityGeneration;

    private final LabViewModel lab;
    private final AnalysisService analysis;
    private final DialogService dialogs;

    @Inject
    public SamplesViewModel(LabViewModel lab, AnalysisService analysis, DialogService dialogs) {
        this.lab = lab;
        this.analysis = analysis;
        this.dialogs = dialogs;
        lab.modelProperty().addListener((o, a, b) -> updateClasses());
        lab.modelChoiceProperty().addListener((o, a, b) -> updateClasses());
        label.addListener((o, a, b) -> {
            if (b.intValue() < UNCONDITIONAL || b.intValue() >= classes.get().size()) {
                label.set(UNCONDITIONAL);
            } else {
                resampleIfShown();
            }
        });
        guidance.addListener((o, a, b) -> {
            if (!(b.doubleValue() >= 0 && b.doubleValue() <= MAX_GUIDANCE)) {
                guidance.set(Math.max(0, Math.min(MAX_GUIDANCE, Double.isNaN(b.doubleValue()) ? 0 : b.doubleValue())));
            } else if (label.get() != UNCONDITIONAL) {
                resampleIfShown();
            }
        });
        frame.addListener((o, a, b) -> {
            int max = frameCount.get() - 1;
            if (b.intValue() < 0 || b.intValue() > max) {
                frame.set(Math.max(0, Math.min(max, b.intValue())));
            } else {
                refreshDensity();
            }
        });
    }

    /** Label value meaning "sample the whole distribution". */
    public static final int UNCONDITIONAL = -1;
    /** Largest guidance weight the slider offers. */
    public static final double MAX_GUIDANCE = 10;

    /** The class to sample ({@link #UNCONDITIONAL} for all); only offered for conditional models. */
    public IntegerProperty labelProperty() {
        return label;
    }

    /** Classifier-free guidance weight w, 0 to {@link #MAX_GUIDANCE}; moving it re-samples the same noise. */
    public DoubleProperty guidanceProperty() {
        return guidance;
    }

    /** The class names of the current model, empty for an unconditional one. */
    public ReadOnlyObjectProperty<List<String>> classesProperty() {
        return classes.getReadOnlyProperty();
    }

    private void updateClasses() {
        ModelSnapshot m = lab.modelProperty().get();
        List<String> names = List.of();
        if (m != null) {
            ToyDataset d = ToyDatasets.byName(m.dataset());
            boolean conditional = lab.modelChoiceProperty().get() == ModelChoice.ORACLE ? d.labelled()
                    : m.spec().classCount() > 0;
            names = conditional && d.labelled() ? d.classNames() : List.of();
        }
        if (!names.equals(classes.get())) {
            classes.set(names);
            label.set(UNCONDITIONAL);
        }
    }

    /** Re-samples for a new class or weight; while a run is in flight, once more when it ends (latest wins). */
    private void resampleIfShown() {
        if (busy.get()) {
            resamplePending = true;
        } else if (trajectory.get() != null) {
            sample();
        }
    }

    public List<String> samplers() {
        return List.of(SamplerSpec.NAMES.split(",\\s*"));
    }

    public StringProperty samplerProperty() {
        return sampler;
    }

    public IntegerProperty stepsProperty() {
        return steps;
    }

    public IntegerProperty sampleCountProperty() {
        return sampleCount;
    }

    public LongProperty seedProperty() {
        return seed;
    }

    /** The displayed frame of the reverse process: 0 is the initial noise, the last is the samples. */
    public IntegerProperty frameProperty() {
        return frame;
    }

    public BooleanProperty playingProperty() {
        return playing;
    }

    public ReadOnlyIntegerProperty frameCountProperty() {
        return frameCount.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<SampleTrajectory> trajectoryProperty() {
        return trajectory.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    /** 1D: the exact density {@code {xs, q_t(xs)}} at the displayed frame's noise level. */
    public ReadOnlyObjectProperty<double[][]> lineDensityProperty() {
        return lineDensity.getReadOnlyProperty();
    }

    /** 2D: the exact density on a grid at the displayed frame's noise level. */
    public ReadOnlyObjectProperty<GridImage> planeDensityProperty() {
        return planeDensity.getReadOnlyProperty();
    }

    /** The dataset of the current run. */
    public ToyDataset dataset() {
        ModelSnapshot m = lab.modelProperty().get();
        return ToyDatasets.byName(m == null ? ToyDatasets.GAUSS_1D : m.dataset());
    }

    // ---- Commands

    /** Samples from the current model with the chosen settings. */
    public void sample() {
        ModelSnapshot m = lab.modelProperty().get();
        if (m == null || busy.get()) {
            return;
        }
        SamplerSpec spec;
        try {
            int k = Math.min(steps.get(), m.schedule().steps());
            spec = SamplerSpec.parse(sampler.get(), k);
            if (sampleCount.get() < 1 || sampleCount.get() > 20_000) {
                throw new IllegalArgumentException("samples = " + sampleCount.get() + ": must lie in 1..20000");
            }
        } catch (IllegalArgumentException e) {
            dialogs.notify(e.getMessage());
            return;
        }
        busy.set(true);
        playing.set(false);
        summary.set("sampling...");
        SampleTrajectory.Guidance g = label.get() == UNCONDITIONAL ? null
                : new SampleTrajectory.Guidance(label.get(), guidance.get());
        analysis.sample(m, lab.modelChoiceProperty().get(), spec, sampleCount.get(), seed.get(), g)
                .whenComplete((t, e) -> {
                    busy.set(false);
                    if (e != null) {
                        Throwable cause = e instanceof CompletionException ? e.getCause() : e;
                        resamplePending = false;
                        summary.set("");
                        dialogs.showError("Sampling failed: " + cause.getMessage(), cause);
                        return;
                    }
                    trajectory.set(t);
                    frameCount.set(t.frames().size());
                    frame.set(t.frames().size() - 1);
                    refreshDensity();
                    summary.set(summaryOf(t));
                    if (resamplePending) {
                        resamplePending = false;
                        sample();
                    }
                });
    }

    private String summaryOf(SampleTrajectory t) {
        String base = String.format("%d samples, %s with %d steps, %d model evaluations (%s), %.0f ms", t.n(),
                t.sampler().kind(), t.sampler().steps(), t.evaluations(), t.choice().label(), t.millis());
        if (t.guidance() == null || t.stats() == null) {
            return base;
        }
        String name = t.guidance().label() < classes.get().size() ? classes.get().get(t.guidance().label()) : "";
        return String.format("%s; class %s, w = %.2f: spread %.2f (the class: %.2f), %.0f%% classified as %s", base,
                name, t.guidance().weight(), t.stats().spread(), t.stats().classSpread(), 100 * t.stats().accuracy(),
                name);
    }

    /** Starts or stops the animation of the reverse process (from the start when at the end). */
    public void togglePlay() {
        if (!playing.get() && frame.get() >= frameCount.get() - 1) {
            frame.set(0);
        }
        playing.set(!playing.get() && frameCount.get() > 1);
    }

    /** Advances the animation by one frame; stops at the end. Called by the view's timer. */
    public void advance() {
        if (frame.get() >= frameCount.get() - 1) {
            playing.set(false);
        } else {
            frame.set(frame.get() + Math.max(1, frameCount.get() / 150));
        }
    }

    private void refreshDensity() {
        SampleTrajectory t = trajectory.get();
        if (t == null) {
            return;
        }
        double abar = frameAlphaBar();
        ToyDataset d = dataset();
        long id = ++densityGeneration;
        double[] v = viewBounds(d);
        if (d.dim() == 1) {
            analysis.compute(() -> Densities.curve(shown(d), abar, v[0], v[1], 400)).thenAccept(c -> {
                if (id == densityGeneration) {
                    lineDensity.set(c);
                }
            });
        } else {
            analysis.compute(() -> Densities.plane(shown(d), abar, v, 140, 140)).thenAccept(g -> {
                if (id == densityGeneration) {
                    planeDensity.set(g);
                }
            });
        }
    }

    /** The density behind the samples: the sampled class's, or the whole dataset's. */
    private GaussianMixture shown(ToyDataset d) {
        SampleTrajectory t = trajectory.get();
        return t != null && t.guidance() != null && d.labelled() ? d.classMixture(t.guidance().label()) : d.mixture();
    }

    /** The region shown: the dataset's view, widened to hold the unit-variance starting noise. */
    public double[] viewBounds(ToyDataset d) {
        double[] v = d.viewBounds();
        for (int j = 0; j < v.length; j += 2) {
            v[j] = Math.min(v[j], -3.5);
            v[j + 1] = Math.max(v[j + 1], 3.5);
        }
        return v;
    }

    /** The frame's noise level ({@code NaN} when unknown). */
    public double frameAlphaBar() {
        SampleTrajectory t = trajectory.get();
        if (t == null) {
            return Double.NaN;
        }
        double a = t.alphaBars()[Math.min(frame.get(), t.alphaBars().length - 1)];
        return Math.max(0, Math.min(1, a));
    }
}
