package org.noiselab.app.view;

import jakarta.inject.Inject;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.controlsfx.control.PropertySheet;
import org.controlsfx.property.editor.DefaultPropertyEditorFactory;
import org.controlsfx.property.editor.Editors;
import org.noiselab.app.service.DefaultRun;
import org.noiselab.app.service.ModelChoice;
import org.noiselab.app.viewmodel.LabViewModel;
import org.noiselab.app.viewmodel.SetupViewModel;
import org.noiselab.engine.model.layer.Activation;

/**
 * The control column: dataset and objective, the model the views evaluate, the training settings in a property sheet
 * with validation, and the run's transport (play/pause, step, reset) with its progress.
 */
public final class ControlPanel {

    private final LabViewModel lab;
    private final SetupViewModel setup;
    private final ScrollPane root;
    private Button playButton;

    @Inject
    public ControlPanel(LabViewModel lab, SetupViewModel setup) {
        this.lab = lab;
        this.setup = setup;
        VBox column = new VBox(6, runSection(), settingsSection(), transportSection());
        column.setPadding(new Insets(10));
        column.getStyleClass().add("control-column");
        column.setPrefWidth(300);
        root = new ScrollPane(column);
        root.setFitToWidth(true);
        root.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        root.getStyleClass().add("control-column");
    }

    public ScrollPane root() {
        return root;
    }

    /** The play/pause button (for tests and focus handling). */
    public Button playButton() {
        return playButton;
    }

    private VBox runSection() {
        ComboBox<String> dataset = new ComboBox<>(FXCollections.observableArrayList(setup.datasets()));
        dataset.valueProperty().bindBidirectional(setup.datasetProperty());
        dataset.setId("dataset");
        dataset.setMaxWidth(Double.MAX_VALUE);
        dataset.setTooltip(new Tooltip("The toy distribution; the dataset view previews it, 'New run' trains on it"));
        ComboBox<String> objective = new ComboBox<>(FXCollections.observableArrayList(setup.objectives()));
        objective.valueProperty().bindBidirectional(setup.objectiveProperty());
        objective.setMaxWidth(Double.MAX_VALUE);
        ComboBox<ModelChoice> model = new ComboBox<>(FXCollections.observableArrayList(ModelChoice.values()));
        model.valueProperty().bindBidirectional(lab.modelChoiceProperty());
        model.setId("modelChoice");
        model.setMaxWidth(Double.MAX_VALUE);
        model.setTooltip(new Tooltip("Which denoiser the score-error and samples views evaluate"));
        ComboBox<DefaultRun.Shipped> shipped = new ComboBox<>(FXCollections.observableArrayList(DefaultRun.SHIPPED));
        shipped.setId("pretrained");
        shipped.setPromptText("Pretrained models");
        shipped.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(shipped, Priority.ALWAYS);
        Button open = new Button("Open");
        open.setMinWidth(Button.USE_PREF_SIZE);
        open.setId("openPretrained");
        open.disableProperty().bind(shipped.valueProperty().isNull());
        open.setOnAction(e -> lab.openPretrained(shipped.getValue().resource()));
        open.setTooltip(new Tooltip("Open a model shipped with Noise Lab (an unsaved run is kept)"));
        return new VBox(4, title("Pretrained"), new HBox(6, shipped, open), title("Dataset"), dataset,
                title("Objective"), objective, title("Model shown"), model);
    }

    private VBox settingsSection() {
        PropertySheet sheet = new PropertySheet(FXCollections.observableArrayList(items()));
        sheet.setModeSwitcherVisible(false);
        sheet.setSearchBoxVisible(false);
        sheet.setMode(PropertySheet.Mode.NAME);
        sheet.setPropertyEditorFactory(item -> {
            if (item instanceof SettingItem s && !s.choices().isEmpty()) {
                return Editors.createChoiceEditor(item, s.choices());
            }
            if (item instanceof SettingItem s && Number.class.isAssignableFrom(s.getType())) {
                return new NumberEditor(s, setup::reportUnreadable);
            }
            return new DefaultPropertyEditorFactory().call(item);
        });
        sheet.setPrefHeight(330);
        Label validation = new Label();
        validation.textProperty().bind(setup.validationProperty());
        validation.getStyleClass().add("validation-message");
        validation.managedProperty().bind(validation.textProperty().isNotEmpty());
        validation.setId("validation");
        Button newRun = new Button("New run");
        newRun.setId("newRun");
        newRun.setMaxWidth(Double.MAX_VALUE);
        newRun.disableProperty().bind(setup.validProperty().not());
        newRun.setOnAction(e -> setup.apply());
        newRun.setTooltip(new Tooltip("Start training these settings from scratch (Ctrl+N); an unsaved run is kept"));
        Label pending = new Label("Changed: the views show the current run until New run (Ctrl+N)");
        pending.setId("settingsPending");
        pending.getStyleClass().add("pending-message");
        pending.setWrapText(true);
        pending.visibleProperty().bind(setup.pendingProperty().and(setup.validProperty()));
        pending.managedProperty().bind(pending.visibleProperty());
        return new VBox(4, title("Training settings"), sheet, validation, pending, newRun);
    }

    private List<PropertySheet.Item> items() {
        return List.of(
                SettingItem.of("Training", "Steps", "Optimiser steps of the run", Integer.class, setup.stepsProperty()),
                SettingItem.of("Training", "Batch", "Points per step", Integer.class, setup.batchProperty()),
                SettingItem.of("Training", "Learning rate", "Peak AdamW learning rate", Double.class,
                        setup.learningRateProperty()),
                SettingItem.of("Training", "Warm-up", "Steps of linear warm-up", Integer.class, setup.warmupProperty()),
                SettingItem.of("Training", "EMA decay", "Decay of the averaged sampling weights", Double.class,
                        setup.emaDecayProperty()),
                SettingItem.of("Training", "Gradient clip", "AdamW's global gradient-norm clip; 0 = off", Double.class,
                        setup.clipNormProperty()),
                SettingItem.of("Training", "Seed", "Master seed of the run", Long.class, setup.seedProperty()),
                SettingItem.of("Model", "Width", "Hidden units per layer", Integer.class, setup.widthProperty()),
                SettingItem.of("Model", "Depth", "Hidden layers", Integer.class, setup.depthProperty()),
                SettingItem.of("Model", "Activation", "Hidden non-linearity", Activation.class,
                        setup.activationProperty()),
                SettingItem.of("Model", "Conditional", "Condition on the dataset's classes (three-class, datasaurus)"
                        + " for class sampling and classifier-free guidance", Boolean.class,
                        setup.conditionalProperty()),
                SettingItem.of("Model", "p uncond", "Conditional models: probability of training a point with the"
                        + " null class", Double.class, setup.labelDropoutProperty()),
                new SettingItem("Diffusion", "Schedule", "Noise schedule", String.class, setup.scheduleProperty(),
                        setup.schedules()),
                SettingItem.of("Diffusion", "Steps T", "Diffusion steps", Integer.class, setup.timestepsProperty()),
                SettingItem.of("Diffusion", "CE weight",
                        "cdm objective: weight of the cross-entropy over noise levels beside the squared error",
                        Double.class, setup.ceWeightProperty()));
    }

    private VBox transportSection() {
        playButton = new Button();
        playButton.setId("play");
        playButton.textProperty().bind(Bindings.when(lab.runningProperty()).then("\u275A\u275A Pause").otherwise("\u25B6 Train"));
        playButton.setOnAction(e -> lab.togglePlay());
        playButton.disableProperty().bind(lab.canTrainProperty().not());
        playButton.setTooltip(new Tooltip("Play / pause training (Space)"));
        Button step = new Button("Step \u203A");
        step.setId("step");
        step.setOnAction(e -> lab.step());
        step.disableProperty().bind(lab.canTrainProperty().not());
        step.setTooltip(new Tooltip("One training step (Right arrow)"));
        Button reset = new Button("\u21BA Reset");
        reset.setId("reset");
        reset.setOnAction(e -> lab.reset());
        reset.setTooltip(new Tooltip("Restart this setup from step 0 (Ctrl+R); an unsaved run is kept"));
        for (Button b : List.of(playButton, step, reset)) {
            b.getStyleClass().add("transport-button");
            b.setMaxWidth(Double.MAX_VALUE);
            HBox.setHgrow(b, Priority.ALWAYS);
        }
        ProgressBar progress = new ProgressBar();
        progress.progressProperty().bind(lab.progressProperty());
        progress.setMaxWidth(Double.MAX_VALUE);
        Label steps = metric();
        steps.setId("stepLabel");
        steps.textProperty().bind(Bindings.createStringBinding(() -> String.format("step %,d / %,d",
                lab.stepProperty().get(), lab.totalStepsProperty().get()), lab.stepProperty(), lab.totalStepsProperty()));
        Label loss = metric();
        loss.textProperty().bind(Bindings.createStringBinding(() -> String.format("loss %s   %,.0f steps/s",
                StatusView.loss(lab.lossProperty().get()), lab.stepsPerSecondProperty().get()), lab.lossProperty(),
                lab.stepsPerSecondProperty()));
        return new VBox(6, title("Run"), new HBox(6, playButton, step, reset), progress, steps, loss);
    }

    private static Label metric() {
        Label l = new Label();
        l.getStyleClass().add("metric-label");
        return l;
    }

    private static Label title(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("section-title");
        return l;
    }
}
