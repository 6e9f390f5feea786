package org.noiselab.app.viewmodel;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.model.DenseShape;
import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.model.layer.Activation;
import org.noiselab.engine.objective.ObjectiveSpec;
import org.noiselab.engine.optim.AdamWSpec;
import org.noiselab.engine.optim.LearningRateSchedule;
import org.noiselab.engine.schedule.ScheduleSpec;
import org.noiselab.engine.train.RunSeeds;
import org.noiselab.engine.train.TrainingConfig;
import org.noiselab.engine.train.TrainingSetup;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;

/**
 * The editable training settings of the control column. The engine's config records stay the source of truth: every
 * edit rebuilds the {@link TrainingSetup}, and a record's validation error becomes the displayed message (field and
 * value named), which disables "apply".
 */
@Singleton
public final class SetupViewModel {

    // ---- Properties
    private final StringProperty dataset = new SimpleStringProperty(this, "dataset", ToyDatasets.GAUSS_1D);
    private final StringProperty objective = new SimpleStringProperty(this, "objective", "ddpm");
    private final IntegerProperty steps = new SimpleIntegerProperty(this, "steps", 20_000);
    private final IntegerProperty batch = new SimpleIntegerProperty(this, "batch", 512);
    private final DoubleProperty learningRate = new SimpleDoubleProperty(this, "learningRate", 1e-3);
    private final IntegerProperty warmup = new SimpleIntegerProperty(this, "warmup", 500);
    private final IntegerProperty width = new SimpleIntegerProperty(this, "width", MlpSpec.DEFAULT_WIDTH);
    private final IntegerProperty depth = new SimpleIntegerProperty(this, "depth", MlpSpec.DEFAULT_DEPTH);
    private final ObjectProperty<Activation> activation = new SimpleObjectProperty<>(this, "activation",
            Activation.SILU);
    private final DoubleProperty emaDecay = new SimpleDoubleProperty(this, "emaDecay", 0.999);
    private final DoubleProperty clipNorm = new SimpleDoubleProperty(this, "clipNorm", AdamWSpec.DEFAULT.clipNorm());
    private final LongProperty seed = new SimpleLongProperty(this, "seed", 0);
    private final StringProperty schedule = new SimpleStringProperty(this, "schedule", "linear");
    private final IntegerProperty timesteps = new SimpleIntegerProperty(this, "timesteps", 1000);
    private final DoubleProperty ceWeight = new SimpleDoubleProperty(this, "ceWeight",
            ObjectiveSpec.Cdm.DEFAULT_CE_WEIGHT);
    private final BooleanProperty conditional = new SimpleBooleanProperty(this, "conditional", false);
    private final DoubleProperty labelDropout = new SimpleDoubleProperty(this, "labelDropout",
            TrainingConfig.DEFAULT_LABEL_DROPOUT);
    private final ReadOnlyStringWrapper validation = new ReadOnlyStringWrapper(this, "validation", "");
    private final ReadOnlyBooleanWrapper valid = new ReadOnlyBooleanWrapper(this, "valid", true);
    private final ReadOnlyBooleanWrapper pending = new ReadOnlyBooleanWrapper(this, "pending", false);
    /** Set while the settings are loaded from a run, so that loading is not taken for an edit. */
    private boolean loading;

    /** The engine's field names as the settings sheet labels them, so that a message names what the user sees. */
    private static final java.util.Map<String, String> LABEL_OF_FIELD = java.util.Map.ofEntries(
            java.util.Map.entry("steps", "Steps"), java.util.Map.entry("batch", "Batch"),
            java.util.Map.entry("learningRate", "Learning rate"), java.util.Map.entry("warmupSteps", "Warm-up"),
            java.util.Map.entry("emaDecay", "EMA decay"), java.util.Map.entry("clipNorm", "Gradient clip"),
            java.util.Map.entry("labelDropout", "p uncond"), java.util.Map.entry("width", "Width"),
            java.util.Map.entry("depth", "Depth"), java.util.Map.entry("timesteps", "Steps T"),
            java.util.Map.entry("ce-weight", "CE weight"), java.util.Map.entry("conditional", "Conditional"));

    private final LabViewModel lab;
    /** Fields whose text does not read as a value, by label, in the order they went wrong. */
    private final java.util.Map<String, String> unreadable = new java.util.LinkedHashMap<>();

    @Inject
    public SetupViewModel(LabViewModel lab) {
        this.lab = lab;
        Observable[] all = {dataset, objective, steps, batch, learningRate, warmup, width, depth, activation, emaDecay,
            clipNorm, seed, schedule, timesteps, ceWeight, conditional, labelDropout};
        for (Observable o : all) {
            o.addListener(x -> {
                validate();
                if (!loading) {
                    pending.set(true);
                }
            });
        }
        lab.setupProperty().addListener((o, old, s) -> {
            if (s != null) {
                load(s);
            }
        });
        validate();
    }

    public List<String> datasets() {
        return ToyDatasets.names();
    }

    public List<String> objectives() {
        return List.of(ObjectiveSpec.NAMES.split(",\\s*"));
    }

    public List<String> schedules() {
        return List.of("linear", "cosine", "uniform");
    }

    public StringProperty datasetProperty() {
        return dataset;
    }

    public StringProperty objectiveProperty() {
        return objective;
    }

    public IntegerProperty stepsProperty() {
        return steps;
    }

    public IntegerProperty batchProperty() {
        return batch;
    }

    public DoubleProperty learningRateProperty() {
        return learningRate;
    }

    public IntegerProperty warmupProperty() {
        return warmup;
    }

    public IntegerProperty widthProperty() {
        return width;
    }

    public IntegerProperty depthProperty() {
        return depth;
    }

    public ObjectProperty<Activation> activationProperty() {
        return activation;
    }

    public DoubleProperty emaDecayProperty() {
        return emaDecay;
    }

    /** AdamW's global gradient-norm clip; 0 turns clipping off. */
    public DoubleProperty clipNormProperty() {
        return clipNorm;
    }

    public LongProperty seedProperty() {
        return seed;
    }

    public StringProperty scheduleProperty() {
        return schedule;
    }

    public IntegerProperty timestepsProperty() {
        return timesteps;
    }

    /** Weight of the cross-entropy of the cdm objective (its squared-error weight is 1). */
    public DoubleProperty ceWeightProperty() {
        return ceWeight;
    }

    /** Whether the model is conditioned on the dataset's classes (for classifier-free guidance). */
    public BooleanProperty conditionalProperty() {
        return conditional;
    }

    /** Probability p_uncond that a training point is shown with the null class (conditional models). */
    public DoubleProperty labelDropoutProperty() {
        return labelDropout;
    }

    /** Empty when the settings are valid; otherwise what is wrong, naming the field. */
    public ReadOnlyStringProperty validationProperty() {
        return validation.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty validProperty() {
        return valid.getReadOnlyProperty();
    }

    // ---- Commands

    /** Starts a new run with these settings. */
    public void apply() {
        build().ifPresent(s -> {
            lab.newRun(s);
            pending.set(false);
        });
    }

    /**
     * Whether the settings were edited since the run was opened or started: the views still show that run until New
     * run starts one with them.
     */
    public ReadOnlyBooleanProperty pendingProperty() {
        return pending.getReadOnlyProperty();
    }

    /** The setup these settings describe, if valid. */
    public Optional<TrainingSetup> build() {
        if (!unreadable.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(create());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Builds the setup through the engine's validating records; throws with the field and value named. */
    private TrainingSetup create() {
        ToyDataset d = ToyDatasets.byName(dataset.get());
        int dim = d.dim();
        if (conditional.get() && !d.labelled()) {
            throw new InvalidConfigException("conditional", d.name(), "has no classes (labelled: three-class,"
                    + " datasaurus)");
        }
        TrainingConfig config = new TrainingConfig(steps.get(), batch.get(),
                new LearningRateSchedule(learningRate.get(), warmup.get(), true, 0.05),
                AdamWSpec.DEFAULT.withClipNorm(clipNorm.get()), emaDecay.get(), labelDropout.get());
        ObjectiveSpec objectiveSpec = ObjectiveSpec.parse(objective.get());
        if (objectiveSpec instanceof ObjectiveSpec.Cdm) {
            objectiveSpec = new ObjectiveSpec.Cdm(ceWeight.get(), 1);
        }
        return new TrainingSetup(dataset.get(), TrainingSetup.defaultModel(objectiveSpec, dim, timesteps.get(),
                width.get(), depth.get(), activation.get(), conditional.get() ? d.classCount() : 0),
                ScheduleSpec.parse(schedule.get(), timesteps.get()),
                objectiveSpec, config, RunSeeds.from(seed.get()));
    }

    /**
     * Marks a settings field whose text does not read as a value of its type ({@code message} in the label's words:
     * "Steps: '5x' is not a number"), or clears the mark ({@code null}). While any field is marked, the settings are
     * invalid and that message is shown, so a half-typed value never starts a run.
     */
    public void reportUnreadable(String label, @org.jspecify.annotations.Nullable String message) {
        if (message == null) {
            unreadable.remove(label);
        } else {
            unreadable.put(label, message);
        }
        validate();
    }

    private void validate() {
        if (!unreadable.isEmpty()) {
            validation.set(unreadable.values().iterator().next());
            valid.set(false);
            return;
        }
        String message = "";
        try {
            create();
        } catch (InvalidConfigException e) {
            String label = LABEL_OF_FIELD.get(e.field());
            message = (label == null ? e : e.named(label)).getMessage();
        } catch (IllegalArgumentException e) {
            message = e.getMessage();
        }
        validation.set(message);
        valid.set(message.isEmpty());
    }

    /** Shows the settings of a run that was opened or started. */
    private void load(TrainingSetup s) {
        loading = true;
        try {
            show(s);
        } finally {
            loading = false;
        }
        pending.set(false);
    }

    private void show(TrainingSetup s) {
        dataset.set(s.dataset());
        objective.set(s.objective().kind());
        steps.set(s.config().steps());
        batch.set(s.config().batchSize());
        learningRate.set(s.config().learningRate().peak());
        warmup.set(s.config().learningRate().warmupSteps());
        emaDecay.set(s.config().emaDecay());
        clipNorm.set(s.config().optimizer().clipNorm());
        schedule.set(s.schedule().kind());
        timesteps.set(s.schedule().steps());
        if (s.model() instanceof DenseShape m) {
            width.set(m.width());
            depth.set(m.depth());
            activation.set(m.activation());
        }
        if (s.objective() instanceof ObjectiveSpec.Cdm cdm) {
            ceWeight.set(cdm.ceWeight());
        }
        conditional.set(s.model().classCount() > 0);
        labelDropout.set(s.config().labelDropout());
    }
}
