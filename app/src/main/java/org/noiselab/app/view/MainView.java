package org.noiselab.app.view;

import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ComboBoxBase;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import org.noiselab.app.service.WindowMemory;
import org.noiselab.app.view.plot.PlotExport;
import org.noiselab.app.viewmodel.ImagesViewModel;
import org.noiselab.app.viewmodel.LabViewModel;
import org.noiselab.app.viewmodel.SamplesViewModel;
import org.noiselab.app.viewmodel.ScoreErrorViewModel;

/**
 * The main window: menu bar, control column, the workspace of views (dataset, training, score error, samples) and
 * the status bar. Owns the keyboard shortcuts, drag-and-drop of checkpoints and the export of any view.
 */
public final class MainView {

    private final WindowMemory windowMemory;
    private final LabViewModel lab;
    private final ViewSettings settings;
    private final FxDialogService dialogs;
    private final ControlPanel controls;
    private final DatasetView datasetView;
    private final TrainingView trainingView;
    private final ScoreErrorView scoreErrorView;
    private final SamplesView samplesView;
    private final SamplesViewModel samples;
    private final ScoreErrorViewModel scoreError;
    private final MainMenu menu;
    private final BorderPane root = new BorderPane();
    private final TabPane tabs = new TabPane();
    private final Map<Tab, ExportableView> exportable;
    private final Tab imagesTab;
    private final ImagesViewModel images;

    @Inject
    public MainView(LabViewModel lab, ViewSettings settings, FxDialogService dialogs, ControlPanel controls,
                    DatasetView datasetView, TrainingView trainingView, ScoreErrorView scoreErrorView,
                    SamplesView samplesView, PicardView picardView, ClassifierView classifierView, ImagesView imagesView,
                    StatusView status, SamplesViewModel samples, ImagesViewModel images,
                    ScoreErrorViewModel scoreError, MainMenu menu, WindowMemory windowMemory) {
        this.lab = lab;
        this.windowMemory = windowMemory;
        this.settings = settings;
        this.dialogs = dialogs;
        this.controls = controls;
        this.datasetView = datasetView;
        this.trainingView = trainingView;
        this.scoreErrorView = scoreErrorView;
        this.samplesView = samplesView;
        this.samples = samples;
        this.scoreError = scoreError;
        this.menu = menu;
        this.images = images;
        Tab dataset = tab("Dataset", datasetView.root(), "datasetTab");
        Tab training = tab("Training", trainingView.root(), "trainingTab");
        Tab error = tab("Score error", scoreErrorView.root(), "scoreErrorTab");
        Tab sampling = tab("Samples", samplesView.root(), "samplesTab");
        Tab picard = tab("Picard", picardView.root(), "picardTab");
        Tab classifier = tab("Classifier", classifierView.root(), "classifierTab");
        imagesTab = tab("Images", imagesView.root(), "imagesTab");
        tabs.getTabs().addAll(dataset, training, error, sampling, picard, classifier, imagesTab);
        tabs.getSelectionModel().select(error);
        tabs.getSelectionModel().selectedItemProperty().addListener((o, a, t) -> {
            trainingView.setShowing(t == training);
            classifierView.setShowing(t == classifier);
            imagesView.setShowing(t == imagesTab);
        });
        tabs.setId("views");
        exportable = Map.of(dataset, datasetView, training, trainingView, error, scoreErrorView, sampling, samplesView,
                picard, picardView, classifier, classifierView, imagesTab, imagesView);
        root.setTop(menu.build(this));
        root.setLeft(controls.root());
        root.setCenter(tabs);
        root.setBottom(status.root());
    }

    private static Tab tab(String title, Node content, String id) {
        Tab t = new Tab(title, content);
        t.setClosable(false);
        t.setId(id);
        return t;
    }

    /** Builds the scene, applies the theme, and wires title, shortcuts and drag-and-drop into the stage. */
    public Scene install(Stage stage) {
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        WindowPlacement place = WindowPlacement.fit(screen, windowMemory.load().orElse(null));
        Scene scene = new Scene(root, place.width(), place.height());
        stage.setX(place.x());
        stage.setY(place.y());
        stage.setMinWidth(Math.min(WindowPlacement.MIN_WIDTH, screen.getWidth()));
        stage.setMinHeight(Math.min(WindowPlacement.MIN_HEIGHT, screen.getHeight()));
        stage.addEventHandler(WindowEvent.WINDOW_HIDING, e -> windowMemory.save(stage.getX(), stage.getY(),
                stage.getWidth(), stage.getHeight()));
        applyTheme(scene, settings.themeProperty().get());
        settings.themeProperty().addListener((o, a, t) -> applyTheme(scene, t));
        stage.titleProperty().bind(lab.titleProperty());
        dialogs.setOwner(stage);
        scene.addEventFilter(KeyEvent.KEY_PRESSED, e -> shortcut(scene, e));
        scene.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
            }
            e.consume();
        });
        scene.setOnDragDropped(e -> {
            boolean ok = false;
            if (e.getDragboard().hasFiles() && !e.getDragboard().getFiles().isEmpty()) {
                lab.open(e.getDragboard().getFiles().get(0).toPath());
                ok = true;
            }
            e.setDropCompleted(ok);
            e.consume();
        });
        stage.setScene(scene);
        return scene;
    }

    /** Frames of offscreen drawing after start (about two seconds of pulses). */
    private static final int RENDER_WARMUP_FRAMES = 120;
    private java.util.concurrent.CompletableFuture<Void> renderWarmup =
            java.util.concurrent.CompletableFuture.completedFuture(null);

    /** Completes when the drawing warm-up begun by {@link #start()} is done. */
    public java.util.concurrent.CompletableFuture<Void> renderWarmedUp() {
        return renderWarmup;
    }

    /** Starts the views that compute something on their own (the dataset preview, the first samples). */
    public void start() {
        renderWarmup = RenderWarmup.start(RENDER_WARMUP_FRAMES);
        datasetView.start();
        lab.modelProperty().addListener(new javafx.beans.value.ChangeListener<>() {
            @Override
            public void changed(javafx.beans.value.ObservableValue<? extends org.noiselab.app.service.ModelSnapshot> o,
                                org.noiselab.app.service.ModelSnapshot a, org.noiselab.app.service.ModelSnapshot b) {
                if (b != null && samples.trajectoryProperty().get() == null) {
                    samples.sample();
                }
            }
        });
        lab.setupProperty().addListener((o, a, b) -> {
            if (a != null && b != null && !a.dataset().equals(b.dataset())) {
                samples.sample();
            }
        });
    }

    private static void applyTheme(Scene scene, Theme theme) {
        scene.getStylesheets().setAll(theme.stylesheet());
    }

    /** Space plays or pauses and the right arrow steps, unless a text field, slider or list has the focus. */
    private void shortcut(Scene scene, KeyEvent e) {
        if (e.isControlDown() || e.isAltDown() || e.isMetaDown()) {
            return;
        }
        Node focus = scene.getFocusOwner();
        boolean typing = focus instanceof TextInputControl || focus instanceof Slider || focus instanceof Spinner
                || focus instanceof ComboBoxBase || (focus != null && focus.getParent() instanceof Spinner);
        if (typing) {
            return;
        }
        if (e.getCode() == KeyCode.SPACE) {
            lab.togglePlay();
            e.consume();
        } else if (e.getCode() == KeyCode.RIGHT) {
            lab.step();
            e.consume();
        }
    }

    public BorderPane root() {
        return root;
    }

    public TabPane tabs() {
        return tabs;
    }

    public ControlPanel controls() {
        return controls;
    }

    public ScoreErrorView scoreErrorView() {
        return scoreErrorView;
    }

    public TrainingView trainingView() {
        return trainingView;
    }

    ScoreErrorViewModel scoreError() {
        return scoreError;
    }

    /** Asks for an image checkpoint and opens it in the Images view. */
    void openImageModel() {
        dialogs.chooseCheckpointToOpen().ifPresent(file -> {
            tabs.getSelectionModel().select(imagesTab);
            images.open(file);
        });
    }

    /**
     * Asks for a training run's folder and follows it: each new checkpoint opens as it appears, an image model in the
     * Images view.
     */
    void followRunFolder() {
        dialogs.chooseRunFolder().ifPresent(dir -> lab.follow(dir, this::showImageModel));
    }

    /** Opens an image checkpoint in the Images view and shows that view. */
    void showImageModel(Path file) {
        tabs.getSelectionModel().select(imagesTab);
        images.open(file);
    }

    /** The window the view is in (null before it is shown), to own dialogs. */
    javafx.stage.@org.jspecify.annotations.Nullable Window window() {
        return root.getScene() == null ? null : root.getScene().getWindow();
    }

    /** Asks for a second image checkpoint and opens it beside the Images view's model, to compare denoising. */
    void openComparisonImageModel() {
        dialogs.chooseCheckpointToOpen().ifPresent(file -> {
            tabs.getSelectionModel().select(imagesTab);
            images.openComparison(file);
        });
    }

    /** Shows the view with the given index (0..6). */
    void selectView(int index) {
        tabs.getSelectionModel().select(index);
    }

    private ExportableView current() {
        return exportable.get(tabs.getSelectionModel().getSelectedItem());
    }

    /** Writes the selected view as a PNG chosen by the user. */
    void exportPng() {
        ExportableView v = current();
        dialogs.chooseExportTarget(v.exportName(), "png").ifPresent(p -> writePng(v, p));
    }

    /** Writes the selected view's data as a CSV chosen by the user. */
    void exportCsv() {
        ExportableView v = current();
        dialogs.chooseExportTarget(v.exportName(), "csv").ifPresent(p -> writeCsv(v, p));
    }

    void writePng(ExportableView v, Path file) {
        try {
            PlotExport.writePng(v.exportNode(), file);
            dialogs.notify("wrote " + file);
        } catch (IOException | RuntimeException ex) {
            dialogs.showError("Could not write " + file.getFileName(), ex);
        }
    }

    void writeCsv(ExportableView v, Path file) {
        try {
            List<double[]> rows = v.csvRows();
            PlotExport.writeCsv(file, v.csvHeader(), rows);
            dialogs.notify("wrote " + rows.size() + " rows to " + file);
        } catch (IOException | RuntimeException ex) {
            dialogs.showError("Could not write " + file.getFileName(), ex);
        }
    }
}
