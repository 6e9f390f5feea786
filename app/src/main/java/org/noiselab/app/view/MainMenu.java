package org.noiselab.app.view;

import jakarta.inject.Inject;
import java.nio.file.Path;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCombination;
import javafx.application.Platform;
import javafx.scene.control.Alert;
import org.noiselab.app.service.DefaultRun;
import org.noiselab.app.service.RecentFiles;
import org.noiselab.app.view.plot.ColorMap;
import org.noiselab.app.viewmodel.LabViewModel;
import org.noiselab.app.viewmodel.SetupViewModel;
import org.noiselab.app.viewmodel.TorchRunViewModel;

/** The menu bar, with the keyboard shortcuts of every command. */
public final class MainMenu {

    private final LabViewModel lab;
    private final SetupViewModel setup;
    private final ViewSettings settings;
    private final RecentFiles recent;
    private final TorchRunViewModel torch;

    @Inject
    public MainMenu(LabViewModel lab, SetupViewModel setup, ViewSettings settings, RecentFiles recent,
                    TorchRunViewModel torch) {
        this.torch = torch;
        this.lab = lab;
        this.setup = setup;
        this.settings = settings;
        this.recent = recent;
    }

    MenuBar build(MainView main) {
        return new MenuBar(file(main), run(main), view(main), help());
    }

    private Menu file(MainView main) {
        Menu recentMenu = new Menu("Open recent");
        recentMenu.setOnShowing(e -> fillRecent(recentMenu));
        recentMenu.getItems().add(new MenuItem("(none)"));
        Menu pretrained = new Menu("Open pretrained");
        for (DefaultRun.Shipped s : DefaultRun.SHIPPED) {
            pretrained.getItems().add(item(s.label(), null, () -> lab.openPretrained(s.resource())));
        }
        return new Menu("_File", null,
                item("New run with these settings", "Shortcut+N", setup::apply),
                item("Open checkpoint...", "Shortcut+O", lab::openWithDialog),
                item("Open image model...", "Shortcut+Shift+O", main::openImageModel),
                item("Compare with image model...", "Shortcut+Alt+O", main::openComparisonImageModel),
                item("Follow run folder...", "Shortcut+Shift+F", main::followRunFolder),
                recentMenu, pretrained,
                new SeparatorMenuItem(),
                item("Save", "Shortcut+S", lab::save),
                item("Save as...", "Shortcut+Shift+S", lab::saveAs),
                new SeparatorMenuItem(),
                item("Export view as PNG...", "Shortcut+E", main::exportPng),
                item("Export view data as CSV...", "Shortcut+Shift+E", main::exportCsv),
                new SeparatorMenuItem(),
                item("Quit", "Shortcut+Q", Platform::exit));
    }

    private void fillRecent(Menu menu) {
        menu.getItems().clear();
        for (Path p : recent.list()) {
            menu.getItems().add(item(p.getFileName() + "  (" + p.getParent() + ")", null, () -> lab.open(p)));
        }
        if (menu.getItems().isEmpty()) {
            MenuItem none = new MenuItem("(none yet)");
            none.setDisable(true);
            menu.getItems().add(none);
        }
    }

    private Menu run(MainView main) {
        MenuItem stop = item("Stop PyTorch run", null, torch::cancel);
        stop.disableProperty().bind(torch.runningProperty().not());
        MenuItem start = item("Train with PyTorch...", "Shortcut+Shift+P", () -> trainWithPyTorch(main));
        start.disableProperty().bind(torch.runningProperty());
        return new Menu("_Run", null,
                item("Play / pause  (Space)", null, lab::togglePlay),
                item("Step  (Right arrow)", null, lab::step),
                item("Reset", "Shortcut+R", lab::reset),
                new SeparatorMenuItem(), start, stop);
    }

    private void trainWithPyTorch(MainView main) {
        String current = lab.setupProperty().get() == null ? "dino" : lab.setupProperty().get().dataset();
        new TorchTrainingDialog(main.window(), torch.interpreter(), current, torch::defaultOut).ask()
                .ifPresent(r -> torch.start(r, main::showImageModel));
    }

    private Menu view(MainView main) {
        Menu views = new Menu("Show");
        String[] names = {"Dataset", "Training", "Score error", "Samples", "Picard", "Classifier", "Images"};
        for (int i = 0; i < names.length; i++) {
            int index = i;
            views.getItems().add(item(names[i], "Shortcut+" + (i + 1), () -> main.selectView(index)));
        }
        Menu theme = new Menu("Theme");
        ToggleGroup themes = new ToggleGroup();
        for (Theme t : Theme.values()) {
            RadioMenuItem r = new RadioMenuItem(t.label());
            r.setToggleGroup(themes);
            r.setSelected(settings.themeProperty().get() == t);
            r.setOnAction(e -> settings.themeProperty().set(t));
            settings.themeProperty().addListener((o, a, b) -> r.setSelected(b == t));
            theme.getItems().add(r);
        }
        MenuItem toggleTheme = item("Toggle light / dark", "Shortcut+T", () -> settings.themeProperty().set(
                settings.themeProperty().get() == Theme.LIGHT ? Theme.DARK : Theme.LIGHT));
        Menu maps = new Menu("Colour map");
        ToggleGroup group = new ToggleGroup();
        for (ColorMap m : ColorMap.values()) {
            RadioMenuItem r = new RadioMenuItem(m.label());
            r.setToggleGroup(group);
            r.setSelected(settings.colorMapProperty().get() == m);
            r.setOnAction(e -> settings.colorMapProperty().set(m));
            maps.getItems().add(r);
        }
        CheckMenuItem log = new CheckMenuItem("Log colour scale for errors");
        log.selectedProperty().bindBidirectional(main.scoreError().logScaleProperty());
        return new Menu("_View", null, views, new SeparatorMenuItem(), theme, toggleTheme, maps, log);
    }

    private Menu help() {
        return new Menu("_Help", null, item("Keyboard shortcuts", "F1", MainMenu::showShortcuts));
    }

    private static void showShortcuts() {
        Alert a = new Alert(Alert.AlertType.INFORMATION);
        a.setTitle("Keyboard shortcuts");
        a.setHeaderText("Noise Lab shortcuts");
        a.setContentText("""
                Space          play / pause training
                Right arrow    one training step
                Ctrl+R         reset the run
                Ctrl+N         new run with the settings
                Ctrl+O / S     open / save a checkpoint
                Ctrl+Shift+S   save as
                Ctrl+E         export the view as PNG
                Ctrl+Shift+E   export the view's data as CSV
                Ctrl+1..7      dataset, training, score error, samples, Picard, classifier, images
                Ctrl+Shift+O   open an image model (Images view)
                Ctrl+Shift+F   follow a training run's folder
                Ctrl+Shift+P   train with PyTorch (GPU when present)
                Ctrl+Alt+O     compare with a second image model (Images view)
                Ctrl+T         toggle light / dark theme
                Drop a .nlab file on the window to open it.""");
        a.getDialogPane().setStyle("-fx-font-family: monospace;");
        a.show();
    }

    private static MenuItem item(String text, String accelerator, Runnable action) {
        MenuItem m = new MenuItem(text);
        if (accelerator != null) {
            m.setAccelerator(KeyCombination.keyCombination(accelerator));
        }
        m.setOnAction(e -> action.run());
        return m;
    }
}
