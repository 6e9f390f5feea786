package org.noiselab.app.view;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.nio.file.Path;
import java.util.prefs.Preferences;
import javafx.stage.Stage;
import org.noiselab.app.DesktopApp;
import org.noiselab.app.inject.AppModule;
import org.noiselab.app.service.RunStore;
import org.noiselab.app.viewmodel.LabViewModel;

/** The real app in a test's stage, with its own home folder and preferences node (removed by {@link #close()}). */
final class UiSession {

    final Path home;
    final Preferences prefs;
    final Injector injector;
    final MainView main;
    final LabViewModel lab;

    private UiSession(Path homes, Stage stage) {
        String run = Long.toHexString(System.nanoTime());
        home = homes.resolve(run);
        prefs = Preferences.userRoot().node("org/noiselab/uitest/" + run);
        injector = Guice.createInjector(new AppModule(new RunStore(home), prefs));
        main = DesktopApp.open(injector, stage);
        lab = injector.getInstance(LabViewModel.class);
    }

    /** Opens the app on {@code stage} with a fresh home under {@code homes}. */
    static UiSession open(Path homes, Stage stage) {
        return new UiSession(homes, stage);
    }

    /** Closes the app (once; a second close does nothing) and removes the preferences node. */
    void close() throws java.util.prefs.BackingStoreException {
        DesktopApp.close(injector);
        prefs.removeNode();
    }
}
