package org.noiselab.app.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Injector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.animation.AnimationTimer;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.app.service.RunState;
import org.noiselab.app.viewmodel.LabViewModel;
import org.noiselab.app.viewmodel.ScoreErrorViewModel;
import org.noiselab.app.viewmodel.SetupViewModel;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Measures, once the engine's start-up warm-up is done and while the default model trains, how often the score-error
 * heatmap refreshes and the longest gap between FX pulses (a stall of the UI thread). The figures are printed and written to
 * {@code target/ui-responsiveness.txt}; only a broken pipeline (no refresh at all, or a multi-second freeze) fails
 * the test, since timings on a shared CI machine are not assertions.
 */
@ExtendWith(ApplicationExtension.class)
class UiResponsivenessTest {

    @TempDir
    static Path home;

    private UiSession app;
    private Injector injector;
    private MainView main;

    @BeforeAll
    static void headless() {
        HeadlessFx.configure();
    }

    @Start
    void start(Stage stage) {
        app = UiSession.open(home, stage);
        injector = app.injector;
        main = app.main;
    }

    @AfterEach
    void stop() throws java.util.prefs.BackingStoreException {
        app.close();
    }

    @Test
    void heatmapRefreshRateAndLongestFxStallWhileTraining(FxRobot robot) throws Exception {
        LabViewModel lab = injector.getInstance(LabViewModel.class);
        ScoreErrorViewModel heatmap = injector.getInstance(ScoreErrorViewModel.class);
        SetupViewModel setup = injector.getInstance(SetupViewModel.class);
        FxWait.await(() -> lab.stepProperty().get() == 20_000);
        injector.getInstance(org.noiselab.app.service.Workers.class).warmedUp().get(60, TimeUnit.SECONDS);
        main.renderWarmedUp().get(60, TimeUnit.SECONDS);
        robot.interact(setup::apply);
        FxWait.await(() -> lab.stepProperty().get() == 0);
        long[] maxGap = {0};
        long[] last = {0};
        java.util.List<String> longGaps = new java.util.ArrayList<>();
        java.lang.management.RuntimeMXBean runtime = java.lang.management.ManagementFactory.getRuntimeMXBean();
        AnimationTimer pulses = new AnimationTimer() {
            @Override
            public void handle(long now) {
                if (last[0] != 0) {
                    maxGap[0] = Math.max(maxGap[0], now - last[0]);
                    if (now - last[0] > 50_000_000L) {
                        longGaps.add(String.format("%.0f ms ending at uptime %.3f s", (now - last[0]) / 1e6,
                                runtime.getUptime() / 1e3));
                    }
                }
                last[0] = now;
            }
        };
        robot.interact(() -> {
            pulses.start();
            lab.play();
        });
        FxWait.await(() -> lab.stateProperty().get() == RunState.RUNNING);
        long[] computeNanos = {0, 0};
        robot.interact(() -> heatmap.resultProperty().addListener((o, a, r) -> {
            computeNanos[0] += r.computeNanos();
            computeNanos[1]++;
        }));
        long refreshesBefore = FxWait.onFx(heatmap::refreshes);
        int stepBefore = FxWait.onFx(() -> lab.stepProperty().get());
        long t0 = System.nanoTime();
        WaitForAsyncUtils.sleep(6, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long refreshes = FxWait.onFx(heatmap::refreshes) - refreshesBefore;
        int steps = FxWait.onFx(() -> lab.stepProperty().get()) - stepBefore;
        robot.interact(() -> {
            lab.pause();
            pulses.stop();
        });
        String report = String.format("while training %s for %.1f s: heatmap %.1f refreshes/s (%.1f ms each on the"
                + " analysis thread), %.0f training steps/s, longest FX pulse gap %.1f ms; gaps over 50 ms: %s%n",
                setup.datasetProperty().get(), seconds, refreshes / seconds,
                computeNanos[0] / 1e6 / Math.max(1, computeNanos[1]), steps / seconds, maxGap[0] / 1e6, longGaps);
        System.out.print(report);
        Path target = Path.of(System.getProperty("project.build.directory", "target"));
        Files.createDirectories(target);
        Files.writeString(target.resolve("ui-responsiveness.txt"), report);
        assertThat(refreshes).as("the heatmap refreshes while training").isGreaterThan((long) seconds);
        assertThat(maxGap[0] / 1e6).as("no multi-second freeze").isLessThan(2000);
    }
}
