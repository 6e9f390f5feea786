package org.noiselab.app.viewmodel;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.jspecify.annotations.Nullable;
import org.noiselab.app.service.ClassifierMaps;
import org.noiselab.app.service.ClassifierService;
import org.noiselab.app.service.DialogService;
import org.noiselab.app.service.LogitPicture;
import org.noiselab.app.service.ModelChoice;
import org.noiselab.app.service.ModelSnapshot;
import org.noiselab.engine.model.Models;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;

/**
 * The classification diffusion model's view: logit curves {@code log p(t' | x_t)} of the model's noise-level classifier
 * and of the exact one at a draggable probe point {@code x_0} noised to a chosen level (the CDM paper's figure 3); the
 * single-pass likelihood map (Theorem 3.2) next to the exact density; and the confusion matrix over noise levels.
 * For a denoising network only the exact classifier is shown, with a note saying so.
 */
@Singleton
public final class ClassifierViewModel {

    /** While training, the heavier maps are refreshed at most this often. */
    private static final long MAPS_INTERVAL_NANOS = 1_000_000_000L;

    // ---- Properties
    private final IntegerProperty level = new SimpleIntegerProperty(this, "level", 400);
    private final ReadOnlyIntegerWrapper maxLevel = new ReadOnlyIntegerWrapper(this, "maxLevel", 1001);
    private final ObjectProperty<float[]> probe = new SimpleObjectProperty<>(this, "probe", new float[] {5});
    private final LongProperty noiseSeed = new SimpleLongProperty(this, "noiseSeed", 1);
    private final BooleanProperty active = new SimpleBooleanProperty(this, "active", false);
    private final ReadOnlyObjectWrapper<LogitPicture> curves = new ReadOnlyObjectWrapper<>(this, "curves");
    private final ReadOnlyObjectWrapper<ClassifierMaps> maps = new ReadOnlyObjectWrapper<>(this, "maps");
    private final ReadOnlyStringWrapper note = new ReadOnlyStringWrapper(this, "note", "");

    private final LabViewModel lab;
    private final ClassifierService service;
    private final DialogService dialogs;
    private @Nullable String probeDataset;
    private long lastMaps;

    @Inject
    public ClassifierViewModel(LabViewModel lab, ClassifierService service, DialogService dialogs) {
        this.lab = lab;
        this.service = service;
        this.dialogs = dialogs;
        lab.modelProperty().addListener((o, a, b) -> modelChanged());
        lab.modelChoiceProperty().addListener((o, a, b) -> refreshAll());
        lab.runningProperty().addListener((o, a, b) -> refreshAll());
        lab.setupProperty().addListener((o, a, b) -> updateNote());
        level.addListener((o, a, b) -> requestCurves());
        probe.addListener((o, a, b) -> requestCurves());
        noiseSeed.addListener((o, a, b) -> requestCurves());
        active.addListener((o, a, b) -> refreshAll());
    }

    /** The level {@code t} the probe point is noised to. */
    public IntegerProperty levelProperty() {
        return level;
    }

    /** {@code T + 1}, the highest level. */
    public ReadOnlyIntegerProperty maxLevelProperty() {
        return maxLevel.getReadOnlyProperty();
    }

    /** The clean probe point {@code x_0} (1 or 2 coordinates). */
    public ObjectProperty<float[]> probeProperty() {
        return probe;
    }

    /** Seed of the noise that turns {@code x_0} into {@code x_t}. */
    public LongProperty noiseSeedProperty() {
        return noiseSeed;
    }

    /** Whether the view is on screen; nothing is computed while it is not. */
    public BooleanProperty activeProperty() {
        return active;
    }

    public ReadOnlyObjectProperty<LogitPicture> curvesProperty() {
        return curves.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ClassifierMaps> mapsProperty() {
        return maps.getReadOnlyProperty();
    }

    /** Empty for a classification diffusion model; otherwise why only the exact side is drawn. */
    public ReadOnlyStringProperty noteProperty() {
        return note.getReadOnlyProperty();
    }

    /** The dataset of the current model, or {@code null}. */
    public @Nullable ToyDataset dataset() {
        ModelSnapshot m = lab.modelProperty().get();
        return m == null ? null : ToyDatasets.byName(m.dataset());
    }

    // ---- Commands

    /** Moves the probe point (clamped to the dataset's view). */
    public void moveProbe(double x, double y) {
        ToyDataset d = dataset();
        if (d == null) {
            return;
        }
        double[] v = d.viewBounds();
        float px = (float) Math.max(v[0], Math.min(v[1], x));
        probe.set(d.dim() == 1 ? new float[] {px} : new float[] {px, (float) Math.max(v[2], Math.min(v[3], y))});
    }

    /** Draws new noise for {@code x_t}. */
    public void newNoise() {
        noiseSeed.set(noiseSeed.get() + 1);
    }

    private void modelChanged() {
        ModelSnapshot m = lab.modelProperty().get();
        if (m == null) {
            return;
        }
        maxLevel.set(m.schedule().steps() + 1);
        if (level.get() > maxLevel.get()) {
            level.set(maxLevel.get());
        }
        if (!m.dataset().equals(probeDataset)) {
            probeDataset = m.dataset();
            probe.set(ToyDatasets.byName(m.dataset()).sample(1, 3).pointsAsFloats());
        }
        updateNote();
        requestCurves();
        if (!lab.runningProperty().get() || System.nanoTime() - lastMaps > MAPS_INTERVAL_NANOS) {
            requestMaps();
        }
    }

    /** Says why only the exact curves are drawn (the lab publishes the new model before the new setup). */
    private void updateNote() {
        ModelSnapshot m = lab.modelProperty().get();
        if (m == null) {
            return;
        }
        boolean classifier = Models.isClassifier(m.spec()) || lab.modelChoiceProperty().get() == ModelChoice.ORACLE;
        note.set(classifier ? "" : "This run trains a denoising network (objective " + objectiveOf()
                + "), which has no noise-level classifier: only the exact classifier is drawn. Train with objective"
                + " cdm, or open a cdm checkpoint, to see a classification diffusion model.");
    }

    private String objectiveOf() {
        var setup = lab.setupProperty().get();
        return setup == null ? "ddpm" : setup.objective().kind();
    }

    private void refreshAll() {
        modelChanged();
        requestMaps();
    }

    private void requestCurves() {
        ModelSnapshot m = lab.modelProperty().get();
        float[] x0 = probe.get();
        if (!active.get() || m == null || x0.length != m.spec().dim()) {
            return;
        }
        service.requestCurves(m, lab.modelChoiceProperty().get(), x0, level.get(), noiseSeed.get(), curves::set,
                e -> dialogs.notify("logit curves failed: " + e.getMessage()));
    }

    private void requestMaps() {
        ModelSnapshot m = lab.modelProperty().get();
        if (!active.get() || m == null) {
            return;
        }
        lastMaps = System.nanoTime();
        service.requestMaps(m, lab.modelChoiceProperty().get(), maps::set,
                e -> dialogs.notify("likelihood map failed: " + e.getMessage()));
    }
}
