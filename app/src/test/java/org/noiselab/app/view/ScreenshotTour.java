package org.noiselab.app.view;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.prefs.Preferences;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.noiselab.app.DesktopApp;
import org.noiselab.app.inject.AppModule;
import org.noiselab.app.service.DefaultRun;
import org.noiselab.app.service.RunStore;
import org.noiselab.app.view.plot.PlotExport;
import org.noiselab.app.viewmodel.ClassifierViewModel;
import org.noiselab.app.viewmodel.LabViewModel;
import org.noiselab.app.viewmodel.SamplesViewModel;
import org.noiselab.app.viewmodel.ScoreErrorViewModel;
import org.noiselab.app.viewmodel.SetupViewModel;

/**
 * Takes a screenshot of every view of the real window (run it under Xvfb): the 1D default's dataset, training,
 * score-error and samples views, the dino's plane views, and the dark theme.
 * {@code java -cp ... org.noiselab.app.view.ScreenshotTour OUT_DIR}.
 */
public final class ScreenshotTour {

    private ScreenshotTour() {
    }

    /** {@code OUT_DIR [checkpoint...]}: the extra checkpoints get a score-error shot each, and the first a Picard
     * comparison against the default. */
    public static void main(String[] args) {
        System.setProperty("noiselab.tour.out", args.length > 0 ? args[0] : "target/screenshots");
        System.setProperty("noiselab.tour.extra", String.join(java.io.File.pathSeparator,
                java.util.Arrays.copyOfRange(args, Math.min(1, args.length), args.length)));
        Application.launch(TourApp.class);
    }

    /** The application the tour drives. */
    public static final class TourApp extends Application {
        @Override
        public void start(Stage stage) throws Exception {
            Path out = Path.of(System.getProperty("noiselab.tour.out"));
            Files.createDirectories(out);
            Path home = Files.createTempDirectory("noiselab-tour");
            Injector injector = Guice.createInjector(new AppModule(new RunStore(home),
                    Preferences.userRoot().node("org/noiselab/tour")));
            MainView main = DesktopApp.open(injector, stage);
            Thread tour = new Thread(() -> run(injector, main, stage, out), "tour");
            tour.setDaemon(true);
            tour.start();
        }

        private static void run(Injector injector, MainView main, Stage stage, Path out) {
            try {
                LabViewModel lab = injector.getInstance(LabViewModel.class);
                ScoreErrorViewModel error = injector.getInstance(ScoreErrorViewModel.class);
                SamplesViewModel samples = injector.getInstance(SamplesViewModel.class);
                await(() -> lab.stepProperty().get() == 20_000 && error.imageProperty().get() != null);
                await(() -> samples.trajectoryProperty().get() != null);
                shoot(main, stage, 0, out.resolve("1d-dataset.png"));
                shoot(main, stage, 1, out.resolve("1d-training.png"));
                shoot(main, stage, 2, out.resolve("1d-score-error.png"));
                fx(() -> samples.frameProperty().set(samples.frameCountProperty().get() / 2));
                shoot(main, stage, 3, out.resolve("1d-samples-midway.png"));
                fx(() -> samples.frameProperty().set(samples.frameCountProperty().get() - 1));
                shoot(main, stage, 3, out.resolve("1d-samples.png"));
                ClassifierViewModel classifier = injector.getInstance(ClassifierViewModel.class);
                fx(() -> main.selectView(5));
                await(() -> classifier.mapsProperty().get() != null && classifier.curvesProperty().get() != null);
                shoot(main, stage, 5, out.resolve("1d-classifier-of-a-denoiser.png"));
                extras(injector, main, stage, out);
                fx(() -> lab.openPretrained(DefaultRun.DINO));
                await(() -> "dino".equals(lab.setupProperty().get().dataset()));
                fx(() -> error.stepProperty().set(30));
                await(() -> error.resultProperty().get() != null && error.resultProperty().get().grid().dim() == 2
                        && error.resultProperty().get().grid().steps()[0] == 30);
                await(() -> samples.trajectoryProperty().get() != null && samples.trajectoryProperty().get().dim() == 2);
                Thread.sleep(1500);
                shoot(main, stage, 0, out.resolve("2d-dataset.png"));
                shoot(main, stage, 2, out.resolve("2d-score-error.png"));
                shoot(main, stage, 3, out.resolve("2d-samples.png"));
                fx(() -> injector.getInstance(ViewSettings.class).themeProperty().set(Theme.DARK));
                shoot(main, stage, 2, out.resolve("2d-score-error-dark.png"));
                shoot(main, stage, 1, out.resolve("2d-training-dark.png"));
                fx(() -> injector.getInstance(ViewSettings.class).themeProperty().set(Theme.LIGHT));
                for (String cdm : new String[] {DefaultRun.GAUSS_1D_CDM, DefaultRun.DINO_CDM}) {
                    fx(() -> lab.openPretrained(cdm));
                    await(() -> "cdm".equals(lab.setupProperty().get().objective().kind())
                            && lab.setupProperty().get().dataset().equals(cdm.contains("dino") ? "dino"
                            : "gauss1d-two-mode"));
                    fx(() -> main.selectView(5));
                    Thread.sleep(300);
                    await(() -> classifier.mapsProperty().get() != null && classifier.mapsProperty().get().confusion()
                            != null && classifier.curvesProperty().get() != null
                            && classifier.curvesProperty().get().model() != null
                            && classifier.curvesProperty().get().x0().length
                            == classifier.mapsProperty().get().dim());
                    Thread.sleep(1000);
                    shoot(main, stage, 5, out.resolve((cdm.contains("dino") ? "2d" : "1d") + "-classifier.png"));
                }
                SetupViewModel setup = injector.getInstance(SetupViewModel.class);
                fx(() -> {
                    setup.datasetProperty().set("three-class");
                    setup.conditionalProperty().set(false);
                    setup.stepsProperty().set(100);
                    setup.apply();
                });
                await(() -> "three-class".equals(lab.setupProperty().get().dataset()));
                fx(() -> {
                    lab.modelChoiceProperty().set(org.noiselab.app.service.ModelChoice.ORACLE);
                    samples.samplerProperty().set("ddim");
                    samples.stepsProperty().set(50);
                    samples.sampleCountProperty().set(2000);
                    samples.labelProperty().set(0);
                    samples.guidanceProperty().set(3);
                    samples.sample();
                });
                await(() -> samples.trajectoryProperty().get() != null
                        && samples.trajectoryProperty().get().guidance() != null && !samples.busyProperty().get());
                Thread.sleep(1500);
                shoot(main, stage, 3, out.resolve("2d-guidance.png"));
                fx(() -> lab.openPretrained(DefaultRun.DATASAURUS_CONDITIONAL));
                await(() -> "datasaurus".equals(lab.setupProperty().get().dataset())
                        && samples.classesProperty().get().size() == 13);
                for (double w : new double[] {0, 3}) {
                    fx(() -> {
                        lab.modelChoiceProperty().set(org.noiselab.app.service.ModelChoice.EMA);
                        samples.labelProperty().set(5);
                        samples.guidanceProperty().set(w);
                        samples.sample();
                    });
                    await(() -> !samples.busyProperty().get() && samples.trajectoryProperty().get() != null
                            && samples.trajectoryProperty().get().guidance() != null
                            && samples.trajectoryProperty().get().guidance().weight() == w
                            && samples.trajectoryProperty().get().guidance().label() == 5);
                    Thread.sleep(1500);
                    shoot(main, stage, 3, out.resolve("2d-datasaurus-star-w" + (int) w + ".png"));
                }
                org.noiselab.app.viewmodel.ImagesViewModel images =
                        injector.getInstance(org.noiselab.app.viewmodel.ImagesViewModel.class);
                fx(() -> main.selectView(6));
                await(() -> images.gridProperty().get() != null && images.denoisingProperty().get() != null
                        && !images.busyProperty().get());
                var first = images.gridProperty().get();
                fx(() -> {
                    images.labelProperty().set(3);
                    images.guidanceProperty().set(2);
                });
                await(() -> images.gridProperty().get() != first && !images.busyProperty().get()
                        && images.summaryProperty().get().contains("w = 2.0"));
                Thread.sleep(1500);
                shoot(main, stage, 6, out.resolve("mnist-images.png"));
                System.out.println("screenshots written to " + out.toAbsolutePath());
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                Platform.runLater(() -> {
                    DesktopApp.close(injector);
                    Platform.exit();
                });
            }
        }

        private static void extras(Injector injector, MainView main, Stage stage, Path out) throws Exception {
            String extra = System.getProperty("noiselab.tour.extra", "");
            if (extra.isEmpty()) {
                return;
            }
            LabViewModel lab = injector.getInstance(LabViewModel.class);
            ScoreErrorViewModel error = injector.getInstance(ScoreErrorViewModel.class);
            org.noiselab.app.viewmodel.PicardViewModel picard =
                    injector.getInstance(org.noiselab.app.viewmodel.PicardViewModel.class);
            fx(() -> picard.sampleCountProperty().set(200));
            fx(() -> picard.runCurrent());
            Thread.sleep(500);
            await(() -> !picard.busyProperty().get() && picard.runProperty().get() != null);
            String[] files = extra.split(java.io.File.pathSeparator);
            fx(() -> picard.compareWith(new org.noiselab.app.service.ModelRef.File(Path.of(files[0]))));
            Thread.sleep(500);
            await(() -> !picard.busyProperty().get() && picard.comparisonProperty().get() != null);
            fx(() -> picard.iterationProperty().set(2));
            shoot(main, stage, 4, out.resolve("1d-picard-iteration3.png"));
            for (String f : files) {
                Path p = Path.of(f);
                fx(() -> lab.open(p));
                await(() -> lab.titleProperty().get().contains(p.getFileName().toString()));
                Thread.sleep(1500);
                String name = p.getFileName().toString().replace(".nlab", "");
                shoot(main, stage, 2, out.resolve(name + "-score-error.png"));
            }
            fx(() -> lab.openDefault());
            await(() -> lab.titleProperty().get().contains("untitled"));
        }

        private static void shoot(MainView main, Stage stage, int tab, Path file) throws Exception {
            fx(() -> main.selectView(tab));
            Thread.sleep(700);
            fx(() -> {
                try {
                    PlotExport.writePng(stage.getScene().getRoot(), file);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }

        private static void fx(Runnable r) throws InterruptedException {
            CountDownLatch done = new CountDownLatch(1);
            Platform.runLater(() -> {
                try {
                    r.run();
                } finally {
                    done.countDown();
                }
            });
            done.await(30, TimeUnit.SECONDS);
        }

        private static void await(BooleanSupplier c) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!c.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("tour condition not met");
                }
                Thread.sleep(50);
            }
        }
    }
}
