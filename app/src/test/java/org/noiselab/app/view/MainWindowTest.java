package org.noiselab.app.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.noiselab.app.view.FxWait.await;
import static org.noiselab.app.view.FxWait.onFx;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.app.DesktopApp;
import org.noiselab.app.inject.AppModule;
import org.noiselab.app.service.GridSpec;
import org.noiselab.app.service.RunState;
import org.noiselab.app.service.RunStore;
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

    private Path home;
    private Preferences prefs;
    private Injector injector;
    private LabViewModel lab;

    @BeforeAll
    static void headless() {
        HeadlessFx.configure();
    }

    @Start
    void start(Stage stage) {
        String run = Long.toHexString(System.nanoTime());
        home = homes.resolve(run);
        prefs = Preferences.userRoot().node("org/noiselab/uitest/" + run);
        injector = Guice.createInjector(new AppModule(new RunStore(home), prefs));
        DesktopApp.open(injector, stage);
        lab = injector.getInstance(LabViewModel.class);
    }

    @AfterEach
    void stop() throws java.util.prefs.BackingStoreException {
        DesktopApp.close(injector);
        prefs.removeNode();
    }

    @Test
    void opensOnTheDefaultAndTrainsWithTheTransportButtons(FxRobot robot) {
        await(() -> lab.stepProperty().get() == 20_000);
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
        int paused = onFx(() -> lab.stepProperty().get());
        WaitForAsyncUtils.sleep(150, TimeUnit.MILLISECONDS);
        assertThat(onFx(() -> lab.stepProperty().get())).isEqualTo(paused);

        robot.clickOn("#reset");
        await(() -> lab.stepProperty().get() == 0);
        assertThat(home.resolve("runs")).isDirectoryContaining("glob:**.nlab");
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
