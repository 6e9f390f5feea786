package org.noiselab.app.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.noiselab.app.view.FxWait.await;
import static org.noiselab.app.view.FxWait.onFx;

import com.google.inject.Injector;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.app.service.GridSpec;
import org.noiselab.app.service.RunState;
import org.noiselab.app.service.Workers;
import org.noiselab.app.viewmodel.LabViewModel;
import org.noiselab.app.viewmodel.ScoreErrorViewModel;
import org.noiselab.app.viewmodel.SetupViewModel;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Drives the real window headless (Monocle): the buttons, the shortcuts, a menu that loads a checkpoint, a slider. */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {

    @TempDir
    static Path homes;

    private UiSession app;
    private Path home;
    private Injector injector;
    private LabViewModel lab;

    @BeforeAll
    static void headless() {
        HeadlessFx.configure();
    }

    @Start
    void start(Stage stage) {
        app = UiSession.open(homes, stage);
        home = app.home;
        injector = app.injector;
        lab = app.lab;
    }

    @AfterEach
    void stop() throws java.util.prefs.BackingStoreException {
        app.close();
    }

    @Test
    void opensOnTheDefaultAndTrainsWithTheTransportButtons(FxRobot robot) {
        await(() -> lab.stepProperty().get() == 20_000);
        javafx.geometry.Rectangle2D screen = onFx(() -> javafx.stage.Screen.getPrimary().getVisualBounds());
        javafx.stage.Window window = onFx(() -> robot.lookup("#newRun").query().getScene().getWindow());
        assertThat(onFx(() -> screen.contains(window.getX(), window.getY(), window.getWidth(), window.getHeight())))
                .as("the window opens inside the screen").isTrue();
        await(() -> robot.lookup("#stepLabel").queryAs(Label.class).getText().contains("20,000 / 20,000"));
        assertThat(robot.lookup("#play").queryAs(Button.class).isDisabled()).as("a finished run cannot train").isTrue();

        SetupViewModel setup = injector.getInstance(SetupViewModel.class);
        robot.interact(() -> {
            setup.stepsProperty().set(1_000_000);
            setup.widthProperty().set(32);
        });
        robot.clickOn("#newRun");
        await(() -> lab.totalStepsProperty().get() == 1_000_000 && lab.stepProperty().get() == 0);

        robot.clickOn("#step");
        await(() -> lab.stepProperty().get() == 1);
        robot.clickOn("#play");
        await(() -> lab.stateProperty().get() == RunState.RUNNING && lab.stepProperty().get() > 30);
        assertThat(robot.lookup("#play").queryAs(Button.class).getText()).contains("Pause");
        robot.clickOn("#play");
        await(() -> lab.stateProperty().get() == RunState.PAUSED);
        // paused means the training loop has returned; once the engine threads and the FX queue are drained, the step
        // shown is the run's own
        Workers workers = injector.getInstance(Workers.class);
        try {
            workers.training().submit(() -> { }).get(60, TimeUnit.SECONDS);
            workers.analysis().submit(() -> { }).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(onFx(() -> lab.snapshotProperty().get().step())).isEqualTo(onFx(() -> lab.stepProperty().get()));
        assertThat(onFx(() -> lab.runningProperty().get())).isFalse();

        robot.clickOn("#reset");
        await(() -> lab.stepProperty().get() == 0);
        assertThat(home.resolve("runs")).isDirectoryContaining("glob:**.nlab");
    }

    /** Selects everything in a settings field and types {@code text} into it, key by key. */
    private static void retype(FxRobot robot, String id, String text) {
        robot.clickOn(id);
        robot.push(KeyCode.CONTROL, KeyCode.A);
        robot.write(text);
    }

    private static String problemOf(FxRobot robot, String id) {
        return onFx(() -> robot.lookup(id + "-problem").queryAs(Label.class).getText());
    }

    @Test
    void settingsFieldsTakeWhatAPersonTypesNameTheProblemAndKeepTheLastValidValue(FxRobot robot) {
        await(() -> lab.stepProperty().get() == 20_000);
        SetupViewModel setup = injector.getInstance(SetupViewModel.class);
        retype(robot, "#setting-steps", "999999999999999999999");
        await(() -> problemOf(robot, "#setting-steps").equals("Steps: '999999999999999999999' is beyond 2147483647"));
        // each key applies at once while the text reads as a whole number: the last one that did is kept
        assertThat(onFx(() -> setup.stepsProperty().get())).as("the last valid value").isEqualTo(999_999_999);
        retype(robot, "#setting-steps", "3000");
        robot.type(KeyCode.ENTER);
        await(() -> setup.stepsProperty().get() == 3000 && problemOf(robot, "#setting-steps").isEmpty());

        retype(robot, "#setting-learning-rate", "1e-4");
        await(() -> setup.learningRateProperty().get() == 1e-4);
        assertThat(onFx(() -> robot.lookup("#setting-learning-rate").queryAs(TextField.class).getText()))
                .isEqualTo("1e-4");

        retype(robot, "#setting-steps", "5x");
        await(() -> problemOf(robot, "#setting-steps").equals("Steps: '5x' is not a number"));
        assertThat(onFx(() -> robot.lookup("#setting-steps").queryAs(TextField.class).getText())).isEqualTo("5x");
        // the "5" typed first read as a value; the "x" makes the settings unusable until it is mended
        assertThat(onFx(() -> setup.stepsProperty().get())).isEqualTo(5);
        assertThat(onFx(() -> robot.lookup("#validation").queryAs(Label.class).getText()))
                .isEqualTo("Steps: '5x' is not a number");
        assertThat(onFx(() -> robot.lookup("#newRun").queryAs(Button.class).isDisabled())).isTrue();

        retype(robot, "#setting-steps", "-5");
        await(() -> setup.stepsProperty().get() == -5);
        await(() -> robot.lookup("#validation").queryAs(Label.class).getText().startsWith("Steps = -5: "));
        assertThat(onFx(() -> robot.lookup("#newRun").queryAs(Button.class).isDisabled())).isTrue();

        retype(robot, "#setting-steps", "2e3");
        await(() -> setup.stepsProperty().get() == 2000 && setup.validProperty().get());
        robot.clickOn("#newRun");
        await(() -> lab.totalStepsProperty().get() == 2000 && lab.stepProperty().get() == 0);
        assertThat(onFx(() -> lab.setupProperty().get().config().learningRate().peak())).isEqualTo(1e-4);
    }

    @Test
    void spaceAndRightArrowDriveTrainingWhenNoFieldHasFocus(FxRobot robot) {
        await(() -> lab.stepProperty().get() == 20_000);
        SetupViewModel setup = injector.getInstance(SetupViewModel.class);
        robot.interact(() -> {
            setup.stepsProperty().set(1_000_000);
            setup.widthProperty().set(32);
            setup.apply();
        });
        await(() -> lab.totalStepsProperty().get() == 1_000_000 && lab.stepProperty().get() == 0);
        robot.clickOn("#views");
        robot.type(KeyCode.RIGHT);
        await(() -> lab.stepProperty().get() == 1);
        robot.type(KeyCode.SPACE);
        await(() -> lab.stateProperty().get() == RunState.RUNNING);
        robot.type(KeyCode.SPACE);
        await(() -> lab.stateProperty().get() == RunState.PAUSED);
    }

    @Test
    void openingThePretrainedDinoSwitchesToThePlaneAndTheSliderPicksTheStep(FxRobot robot) {
        await(() -> lab.stepProperty().get() == 20_000);
        robot.clickOn("#pretrained");
        await(() -> robot.lookup(shown("Dino (DDPM)")).tryQuery().isPresent());
        robot.clickOn(shown("Dino (DDPM)"));
        robot.clickOn("#openPretrained");
        await(() -> lab.setupProperty().get().dataset().equals("dino"));
        ScoreErrorViewModel vm = injector.getInstance(ScoreErrorViewModel.class);
        await(() -> vm.resultProperty().get() != null && vm.resultProperty().get().spec() instanceof GridSpec.Plane);

        Slider slider = robot.lookup("#noiseStep").queryAs(Slider.class);
        // The slider appears when the plane's first image is drawn, which can come a pulse after the result.
        await(() -> slider.isVisible() && slider.getWidth() > 0 && slider.localToScene(0, 0).getX() > 0);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(slider.isDisabled()).isFalse();
        robot.clickOn(slider);
        await(slider::isFocused);
        robot.type(KeyCode.END);
        await(() -> vm.stepProperty().get() == 1000);
        await(() -> ((GridSpec.Plane) vm.resultProperty().get().spec()).t() == 1000);
        robot.type(KeyCode.HOME);
        await(() -> vm.stepProperty().get() == 1);
        await(() -> ((GridSpec.Plane) vm.resultProperty().get().spec()).t() == 1);
        assertThat(robot.lookup("#refreshRate").queryAs(Label.class).getText()).endsWith("updates/s");
    }

    /** A visible, laid-out node showing this text (menus keep hidden copies of their labels). */
    private static java.util.function.Predicate<javafx.scene.Node> shown(String text) {
        return n -> n instanceof javafx.scene.control.Labeled l && l.getText() != null
                && text.equals(l.getText().replace("_", "")) && n.getScene() != null
                && n.isVisible() && n.getScene().getWindow() != null && n.getScene().getWindow().isShowing();
    }
}
