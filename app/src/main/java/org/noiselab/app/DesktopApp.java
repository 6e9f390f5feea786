package org.noiselab.app;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.noiselab.app.inject.AppModule;
import org.noiselab.app.service.Workers;
import org.noiselab.app.view.MainView;
import org.noiselab.app.viewmodel.LabViewModel;
import org.noiselab.app.viewmodel.TorchRunViewModel;
import org.noiselab.engine.kernel.Parallelism;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The JavaFX application: builds the object graph, opens the main window on the embedded default run. */
public final class DesktopApp extends Application {

    private static final Logger LOG = LoggerFactory.getLogger(DesktopApp.class);

    private Injector injector;

    static void launchApp(String[] args) {
        Application.launch(DesktopApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> LOG.error("uncaught exception on the FX thread",
                e));
        injector = Guice.createInjector(new AppModule());
        open(injector, stage);
    }

    /** Shows the main window of an injector's app on a stage and opens the default run (used by tests too). */
    public static MainView open(Injector injector, Stage stage) {
        // the training and analysis threads already share the cores; kernels do not split their work further
        Parallelism.setThreads(1);
        MainView main = injector.getInstance(MainView.class);
        main.install(stage);
        main.start();
        injector.getInstance(LabViewModel.class).openDefault();
        injector.getInstance(Workers.class).warmUp();
        stage.setOnCloseRequest(e -> close(injector));
        stage.show();
        return main;
    }

    /**
     * Stops training, keeps an unsaved run, and stops the engine threads; once. JavaFX closes twice when the window
     * is closed (its close request, then {@link #stop()}), and a second close finds the engine threads gone: it used to
     * wait 15 s for work they drop and then warn that the run was not kept, although the first close had kept it.
     */
    public static void close(Injector injector) {
        Workers workers = injector.getInstance(Workers.class);
        if (workers.closed()) {
            return;
        }
        injector.getInstance(TorchRunViewModel.class).shutdown();
        try {
            injector.getInstance(LabViewModel.class).shutdown().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("could not keep the unsaved run on exit", e);
        }
        injector.getInstance(Workers.class).close();
    }

    @Override
    public void stop() {
        if (injector != null) {
            close(injector);
        }
        Platform.exit();
    }

    /** For tests: an injector with a custom module. */
    static Injector injector(Module module) {
        return Guice.createInjector(module);
    }
}
