package org.noiselab.app.view;

import jakarta.inject.Inject;
import javafx.animation.PauseTransition;
import javafx.beans.binding.Bindings;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.util.Duration;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.geometry.Orientation;
import org.controlsfx.control.StatusBar;
import org.noiselab.app.service.RunState;
import org.noiselab.app.viewmodel.LabViewModel;
import org.noiselab.app.viewmodel.TorchRunViewModel;

/** The status bar: a message, the run's progress, and step, loss and speed. */
public final class StatusView {

    private final StatusBar bar = new StatusBar();
    private final Label step = new Label();
    private final Label torchRun = new Label();

    private final StringProperty notice = new SimpleStringProperty("");
    private final PauseTransition noticeTimeout = new PauseTransition(Duration.seconds(8));

    @Inject
    public StatusView(LabViewModel lab, TorchRunViewModel torch, FxDialogService dialogs) {
        bar.setText("");
        bar.setId("statusBar");
        bar.textProperty().bind(Bindings.when(notice.isNotEmpty()).then(notice).otherwise(lab.statusProperty()));
        bar.progressProperty().bind(Bindings.when(lab.stateProperty().isEqualTo(RunState.RUNNING))
                .then(lab.progressProperty()).otherwise(0.0));
        step.setId("statusStep");
        step.getStyleClass().add("metric-label");
        step.textProperty().bind(Bindings.createStringBinding(() -> String.format(
                "step %,d/%,d   loss %s   %,.0f steps/s", lab.stepProperty().get(), lab.totalStepsProperty().get(),
                loss(lab.lossProperty().get()), lab.stepsPerSecondProperty().get()), lab.stepProperty(),
                lab.totalStepsProperty(), lab.lossProperty(), lab.stepsPerSecondProperty()));
        torchRun.setId("statusTorch");
        torchRun.textProperty().bind(torch.statusProperty());
        Separator torchSeparator = new Separator(Orientation.VERTICAL);
        for (javafx.scene.Node n : new javafx.scene.Node[] {torchRun, torchSeparator}) {
            n.visibleProperty().bind(torch.statusProperty().isNotEmpty());
            n.managedProperty().bind(torch.statusProperty().isNotEmpty());
        }
        bar.getRightItems().addAll(torchSeparator, torchRun, new Separator(Orientation.VERTICAL), step);
        noticeTimeout.setOnFinished(e -> notice.set(""));
        lab.statusProperty().addListener((o, a, b) -> notice.set(""));
        dialogs.setStatusSink(message -> {
            notice.set(message);
            noticeTimeout.playFromStart();
        });
    }

    public StatusBar root() {
        return bar;
    }

    /** A loss for the status lines: four decimals, or a dash before the first step. */
    static String loss(double value) {
        return Double.isNaN(value) ? "\u2014" : String.format("%.4f", value);
    }
}
