package org.noiselab.app.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import jakarta.inject.Singleton;
import java.util.concurrent.Executor;
import java.util.prefs.Preferences;
import javafx.application.Platform;
import org.noiselab.app.service.DialogService;
import org.noiselab.app.service.RecentFiles;
import org.noiselab.app.service.RunStore;
import org.noiselab.app.service.TorchSettings;
import org.noiselab.app.view.ViewSettings;
import org.noiselab.app.service.UiThread;
import org.noiselab.app.service.WindowMemory;
import org.noiselab.app.service.Workers;
import org.noiselab.app.view.FxDialogService;

/** Wiring of the desktop app: the UI executor is JavaFX's, dialogs are JavaFX dialogs, state lives in the user's home. */
public final class AppModule extends AbstractModule {

    private final RunStore store;
    private final Preferences preferences;

    /** The production wiring: {@code ~/.noiselab} and the user's preferences. */
    public AppModule() {
        this(RunStore.fromSystem(), Preferences.userRoot().node("org/noiselab"));
    }

    /** A wiring with its own run store and preferences (tests). */
    public AppModule(RunStore store, Preferences preferences) {
        this.store = store;
        this.preferences = preferences;
    }

    @Override
    protected void configure() {
        bind(DialogService.class).to(FxDialogService.class);
    }

    @Provides
    @Singleton
    @UiThread
    Executor uiExecutor() {
        return Platform::runLater;
    }

    @Provides
    @Singleton
    Workers workers() {
        return new Workers();
    }

    @Provides
    @Singleton
    RunStore runStore() {
        return store;
    }

    @Provides
    @Singleton
    RecentFiles recentFiles() {
        return new RecentFiles(preferences);
    }

    @Provides
    @Singleton
    ViewSettings viewSettings() {
        return new ViewSettings(preferences);
    }

    @Provides
    @Singleton
    TorchSettings torchSettings() {
        return new TorchSettings(preferences);
    }

    @Provides
    @Singleton
    WindowMemory windowMemory() {
        return new WindowMemory(preferences);
    }
}
