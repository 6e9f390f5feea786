package org.noiselab.app.view;

import jakarta.inject.Singleton;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.scene.control.Alert;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.noiselab.app.service.DialogService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dialogs for the desktop: errors as a short message with the technical details in an expandable section (never a
 * bare stack trace), notices in the status bar, native file choosers. Logs each error once, here, where it is shown.
 */
@Singleton
public final class FxDialogService implements DialogService {

    private static final Logger LOG = LoggerFactory.getLogger(FxDialogService.class);

    private Window owner;
    private Consumer<String> statusSink = s -> { };
    private Path lastDirectory = Path.of(System.getProperty("user.home"));

    /** The window dialogs belong to. */
    public void setOwner(Window owner) {
        this.owner = owner;
    }

    /** Where notices go (the status bar). */
    public void setStatusSink(Consumer<String> sink) {
        this.statusSink = sink;
    }

    @Override
    public void showError(String summary, Throwable details) {
        LOG.warn("{}", summary, details);
        statusSink.accept(summary);
        Alert alert = new Alert(Alert.AlertType.ERROR);
        alert.initOwner(owner);
        alert.setTitle("Noise Lab");
        alert.setHeaderText(summary);
        alert.setContentText("Nothing was lost; the current run is unchanged.");
        StringWriter trace = new StringWriter();
        details.printStackTrace(new PrintWriter(trace));
        TextArea area = new TextArea(trace.toString());
        area.setEditable(false);
        area.setWrapText(false);
        area.setPrefRowCount(14);
        GridPane.setVgrow(area, Priority.ALWAYS);
        GridPane.setHgrow(area, Priority.ALWAYS);
        GridPane expandable = new GridPane();
        expandable.add(new Label("Details:"), 0, 0);
        expandable.add(area, 0, 1);
        alert.getDialogPane().setExpandableContent(expandable);
        alert.show();
    }

    @Override
    public void notify(String message) {
        statusSink.accept(message);
    }

    @Override
    public Optional<Path> chooseCheckpointToOpen() {
        FileChooser chooser = chooser("Open checkpoint", null);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Noise Lab checkpoints", "*.nlab"));
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("All files", "*"));
        return remember(chooser.showOpenDialog(owner));
    }

    @Override
    public Optional<Path> chooseRunFolder() {
        javafx.stage.DirectoryChooser chooser = new javafx.stage.DirectoryChooser();
        chooser.setTitle("Follow run folder");
        if (lastDirectory.toFile().isDirectory()) {
            chooser.setInitialDirectory(lastDirectory.toFile());
        }
        java.io.File dir = chooser.showDialog(owner);
        if (dir == null) {
            return Optional.empty();
        }
        lastDirectory = dir.toPath().getParent() == null ? dir.toPath() : dir.toPath().getParent();
        return Optional.of(dir.toPath());
    }

    @Override
    public Optional<Path> chooseCheckpointToSave(String suggestedName) {
        FileChooser chooser = chooser("Save checkpoint", suggestedName);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Noise Lab checkpoints", "*.nlab"));
        return remember(chooser.showSaveDialog(owner));
    }

    @Override
    public Optional<Path> chooseExportTarget(String suggestedName, String extension) {
        FileChooser chooser = chooser("Export", suggestedName + "." + extension);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(extension.toUpperCase(java.util.Locale.ROOT),
                "*." + extension));
        return remember(chooser.showSaveDialog(owner));
    }

    private FileChooser chooser(String title, String initialName) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        if (lastDirectory.toFile().isDirectory()) {
            chooser.setInitialDirectory(lastDirectory.toFile());
        }
        if (initialName != null) {
            chooser.setInitialFileName(initialName);
        }
        return chooser;
    }

    private Optional<Path> remember(java.io.File file) {
        if (file == null) {
            return Optional.empty();
        }
        Path p = file.toPath();
        if (p.getParent() != null) {
            lastDirectory = p.getParent();
        }
        return Optional.of(p);
    }
}
