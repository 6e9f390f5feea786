package org.noiselab.app.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.noiselab.app.view.FxWait.await;
import static org.noiselab.app.view.FxWait.onFx;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.inject.Injector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javafx.scene.control.Button;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.app.DesktopApp;
import org.noiselab.app.viewmodel.LabViewModel;
import org.noiselab.app.viewmodel.SamplesViewModel;
import org.noiselab.app.viewmodel.SetupViewModel;
import org.slf4j.LoggerFactory;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * Bugs a walkthrough of the real window found, each driven as a person would: closing the window while training
 * (closed twice, as JavaFX does: the close request, then the application's stop), and Space with a button focused.
 */
@ExtendWith(ApplicationExtension.class)
class WalkthroughFixesTest {

    @TempDir
    static Path homes;

    private UiSession app;
    private Injector injector;
    private LabViewModel lab;

    @BeforeAll
    static void headless() {
        HeadlessFx.configure();
    }

    @Start
    void start(Stage stage) {
        app = UiSession.open(homes, stage);
        injector = app.injector;
        lab = app.lab;
    }

    @AfterEach
    void stop() throws java.util.prefs.BackingStoreException {
        app.close();
    }

    private void trainAFreshRun() {
        await(() -> lab.stepProperty().get() == 20_000);
        SetupViewModel setup = injector.getInstance(SetupViewModel.class);
        onFx(() -> {
            setup.stepsProperty().set(1_000_000);
            setup.apply();
            return null;
        });
        await(() -> lab.totalStepsProperty().get() == 1_000_000 && lab.stepProperty().get() == 0);
        onFx(() -> {
            lab.play();
            return null;
        });
        await(() -> lab.runningProperty().get() && lab.stepProperty().get() > 20);
    }

    @Test
    void closingWhileTrainingKeepsTheRunOnceAndWarnsOfNothing() throws Exception {
        trainAFreshRun();
        Logger log = (Logger) LoggerFactory.getLogger(DesktopApp.class);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        log.addAppender(warnings);
        try {
            DesktopApp.close(injector); // the window's close request
            DesktopApp.close(injector); // then Application.stop, as JavaFX calls it when the last window closed
        } finally {
            log.detachAppender(warnings);
        }
        assertThat(warnings.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
        try (Stream<Path> kept = Files.list(app.home.resolve("runs"))) {
            assertThat(kept.filter(f -> f.toString().endsWith(".nlab")).count()).as("the run kept once").isEqualTo(1);
        }
    }

    @Test
    void choosingAnotherDatasetSaysTheViewsShowTheRunUntilNewRun(FxRobot robot) {
        await(() -> lab.stepProperty().get() == 20_000);
        javafx.scene.control.Label pending = robot.lookup("#settingsPending").queryAs(javafx.scene.control.Label.class);
        assertThat(onFx(pending::isVisible)).isFalse();
        robot.clickOn("#dataset");
        robot.clickOn("dino");
        await(pending::isVisible);
        assertThat(onFx(pending::getText)).contains("until New run");
        assertThat(onFx(() -> lab.setupProperty().get().dataset())).as("the run shown is still the 1D one")
                .isEqualTo("gauss1d-two-mode");
        robot.clickOn("#newRun");
        await(() -> !pending.isVisible() && lab.setupProperty().get().dataset().equals("dino"));
    }

    @Test
    void picardSaysWhatToDoBeforeItsFirstRunAndWhatItsNegativeMmdMeans(FxRobot robot) {
        await(() -> lab.stepProperty().get() == 20_000);
        onFx(() -> {
            app.main.selectView(4);
            return null;
        });
        org.noiselab.app.view.plot.PlotCanvas plot = robot.lookup("#picardPlot")
                .queryAs(org.noiselab.app.view.plot.PlotCanvas.class);
        assertThat(onFx(plot::title)).startsWith("Run Picard (toolbar)");
        org.jfree.chart.fx.ChartViewer viewer = robot.lookup("#picardMmdChart")
                .queryAs(org.jfree.chart.fx.ChartViewer.class);
        assertThat(onFx(() -> viewer.getChart().getXYPlot().getRangeAxis().getLabel())).contains("below 0");
        // a toolbar squeezed narrower than its contents (as at 1280 px with the system's fonts) keeps the drift box
        // wide enough for its value: it once shrank to "d..."
        javafx.scene.control.ComboBox<?> drift = robot.lookup("#picardDrift")
                .queryAs(javafx.scene.control.ComboBox.class);
        double squeezed = onFx(() -> {
            javafx.scene.layout.Region bar = (javafx.scene.layout.Region) drift.getParent();
            bar.resize(400, bar.getHeight());
            bar.layout();
            return drift.getWidth();
        });
        assertThat(squeezed).isGreaterThanOrEqualTo(onFx(() -> drift.prefWidth(-1)) - 0.5);
    }

    @Test
    void spaceTogglesTrainingEvenWhenAButtonHasFocus(FxRobot robot) {
        trainAFreshRun();
        onFx(() -> {
            lab.pause();
            return null;
        });
        await(() -> !lab.runningProperty().get());
        SamplesViewModel samples = injector.getInstance(SamplesViewModel.class);
        onFx(() -> {
            app.main.selectView(3);
            return null;
        });
        Button play = robot.lookup("#playSamples").queryButton();
        onFx(() -> {
            play.requestFocus();
            return null;
        });
        await(() -> play.isFocused());
        robot.type(KeyCode.SPACE);
        await(() -> lab.runningProperty().get());
        assertThat(onFx(() -> samples.playingProperty().get())).as("Space did not press the focused button").isFalse();
        robot.type(KeyCode.SPACE);
        await(() -> !lab.runningProperty().get());
        assertThat(onFx(() -> samples.playingProperty().get())).isFalse();
    }
}
