package org.noiselab.app.view;

import com.google.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.noiselab.app.service.DialogService;
import org.noiselab.app.service.ImageModelService;
import org.noiselab.app.viewmodel.ImagesViewModel;

/**
 * The image workspace: a grid of samples with a class picker and a guidance slider, the reverse process of the first
 * sample as a filmstrip, and a held-out test image noised to a chosen step beside the model's estimate of it and its
 * likelihood in bits per dimension, and beside a second model's (the shipped CDM against the shipped DDPM at first).
 */
public final class ImagesView implements ExportableView {

    private static final int GRID_COLUMNS = 4;
    private static final int GRID_SCALE = 4;
    private static final int FRAME_SCALE = 3;
    private static final int TEST_SCALE = 4;

    private final ImagesViewModel vm;
    private final DialogService dialogs;
    private final BorderPane root = new BorderPane();
    private final ImageView grid = new ImageView();
    private final HBox filmstrip = new HBox(4);
    private final ImageView clean = new ImageView();
    private final ImageView noised = new ImageView();
    private final ImageView estimate = new ImageView();
    private final ImageView comparedEstimate = new ImageView();
    private final Label estimateTitle = new Label("model's estimate");
    private final Label comparedTitle = new Label();
    private final Label denoiseInfo = new Label();
    private final Label modelInfo = new Label("No image model open: it loads when this tab is first shown.");

    @Inject
    public ImagesView(ImagesViewModel vm, DialogService dialogs) {
        this.vm = vm;
        this.dialogs = dialogs;
        grid.setId("imageGrid");
        filmstrip.setId("filmstrip");
        estimate.setId("denoisedImage");
        comparedEstimate.setId("comparedImage");
        denoiseInfo.setId("denoiseInfo");
        modelInfo.setId("imageModelInfo");
        root.setTop(toolbar());
        Label filmTitle = new Label("Reverse process of the first sample, noise to image");
        VBox body = new VBox(10, new HBox(24, samplesPane(), denoisePane()), filmTitle, filmstrip);
        body.setPadding(new Insets(8));
        ScrollPane scroll = new ScrollPane(body);
        scroll.setFitToHeight(true);
        root.setCenter(scroll);
        vm.gridProperty().addListener((o, a, g) -> {
            if (g != null) {
                grid.setImage(ImageTiles.render(g.pixels(), 0, g.count(), g.shape().channels(), g.shape().height(),
                        g.shape().width(), GRID_COLUMNS, GRID_SCALE, 3));
            }
        });
        vm.framesProperty().addListener((o, a, f) -> showFrames(f));
        vm.denoisingProperty().addListener((o, a, d) -> showDenoising(d));
        vm.infoProperty().addListener((o, a, i) -> modelInfo.setText(describe(i)));
    }

    public Node root() {
        return root;
    }

    /** Tells the view model whether the tab is visible (the first time loads the shipped model). */
    public void setShowing(boolean showing) {
        vm.showingProperty().set(showing);
    }

    private VBox toolbar() {
        Button open = new Button("Open image model...");
        open.setId("openImageModel");
        open.setOnAction(e -> dialogs.chooseCheckpointToOpen().ifPresent(vm::open));
        Button shipped = new Button("Shipped MNIST model");
        shipped.setOnAction(e -> vm.openShipped());
        ProgressIndicator busy = new ProgressIndicator();
        busy.setPrefSize(18, 18);
        busy.visibleProperty().bind(vm.busyProperty());
        Label summary = new Label();
        summary.textProperty().bind(vm.summaryProperty());
        summary.setId("imageSummary");
        summary.getStyleClass().add("hover-label");
        HBox bar = new HBox(open, shipped, modelInfo, busy);
        bar.getStyleClass().add("view-toolbar");
        return new VBox(bar, summary);
    }

    private VBox samplesPane() {
        ComboBox<String> picker = ClassPicker.create("imageClass", "any (unconditional)", vm.labelProperty(), () -> {
            List<String> names = new ArrayList<>();
            ImageModelService.Info i = vm.infoProperty().get();
            for (int c = 0; i != null && c < i.classCount(); c++) {
                names.add(Integer.toString(c));
            }
            return names;
        }, vm.infoProperty());
        Slider weight = ClassPicker.guidanceSlider("imageGuidance", ImagesViewModel.MAX_GUIDANCE, 170,
                vm.guidanceProperty(), vm.labelProperty());
        Label w = new Label();
        w.textProperty().bind(Bindings.format("w = %.1f", vm.guidanceProperty()));
        Spinner<Integer> steps = new Spinner<>(1, 1000, vm.stepsProperty().get(), 10);
        steps.setEditable(true);
        steps.setPrefWidth(90);
        steps.valueProperty().addListener((o, a, b) -> vm.stepsProperty().set(b));
        Button reseed = new Button("New seed");
        reseed.setId("imageReseed");
        reseed.setOnAction(e -> vm.seedProperty().set(vm.seedProperty().get() + 1));
        HBox classBar = new HBox(8, new Label("Class"), picker, new Label("Guidance"), weight, w);
        HBox stepBar = new HBox(8, new Label("DDIM steps"), steps, reseed);
        return new VBox(8, classBar, stepBar, grid);
    }

    private VBox denoisePane() {
        Spinner<Integer> index = new Spinner<>(0, 9999, vm.testIndexProperty().get(), 1);
        index.setId("testImageIndex");
        index.setEditable(true);
        index.setPrefWidth(90);
        index.valueProperty().addListener((o, a, b) -> vm.testIndexProperty().set(b));
        vm.testIndexProperty().addListener((o, a, b) -> index.getValueFactory().setValue(b.intValue()));
        Slider step = new Slider(1, 1000, vm.noiseStepProperty().get());
        step.setId("imageNoiseStep");
        step.setPrefWidth(170);
        step.valueProperty().addListener((o, a, b) -> vm.noiseStepProperty().set((int) Math.round(b.doubleValue())));
        vm.infoProperty().addListener((o, a, i) -> {
            if (i != null) {
                step.setMax(i.steps());
            }
        });
        HBox controls = new HBox(8, new Label("Test image"), index, new Label("Noise step"), step);
        VBox compared = new VBox(4, comparedTitle, comparedEstimate);
        compared.visibleProperty().bind(vm.comparisonProperty().isNotNull());
        compared.managedProperty().bind(compared.visibleProperty());
        HBox images = new HBox(12, titled("clean", clean), titled("noised", noised),
                new VBox(4, estimateTitle, estimate), compared);
        Button compare = new Button("Compare with...");
        compare.setId("compareImageModel");
        compare.setTooltip(new javafx.scene.control.Tooltip(
                "Open a second image model of the same size: both denoise the same noised image"));
        compare.setOnAction(e -> dialogs.chooseCheckpointToOpen().ifPresent(vm::openComparison));
        Button close = new Button("Close comparison");
        close.setId("closeComparison");
        close.disableProperty().bind(vm.comparisonProperty().isNull());
        close.setOnAction(e -> vm.closeComparison());
        HBox compareBar = new HBox(8, compare, close);
        Label title = new Label("Denoise a held-out test image (MNIST test images 9000-9999, unseen by the shipped models)");
        title.setWrapText(true);
        denoiseInfo.setWrapText(true);
        VBox pane = new VBox(8, title, controls, compareBar, images, denoiseInfo);
        pane.setMaxWidth(520);
        return pane;
    }

    private static VBox titled(String title, ImageView view) {
        return new VBox(4, new Label(title), view);
    }

    private void showFrames(List<float[]> frames) {
        filmstrip.getChildren().clear();
        ImageModelService.Info i = vm.infoProperty().get();
        if (frames == null || i == null) {
            return;
        }
        for (float[] f : frames) {
            ImageView v = new ImageView(ImageTiles.render(f, 0, 1, i.shape().channels(), i.shape().height(),
                    i.shape().width(), 1, FRAME_SCALE, 0));
            filmstrip.getChildren().add(v);
        }
    }

    private void showDenoising(ImageModelService.Denoising d) {
        ImageModelService.Info i = vm.infoProperty().get();
        if (d == null || i == null) {
            return;
        }
        int c = i.shape().channels();
        int h = i.shape().height();
        int w = i.shape().width();
        clean.setImage(ImageTiles.render(d.clean(), 0, 1, c, h, w, 1, TEST_SCALE, 0));
        ImageModelService.Estimate m = d.main();
        noised.setImage(ImageTiles.render(m.denoised().noised(), 0, 1, c, h, w, 1, TEST_SCALE, 0));
        estimate.setImage(ImageTiles.render(m.denoised().estimate(), 0, 1, c, h, w, 1, TEST_SCALE, 0));
        estimateTitle.setText(kind(m) + "'s estimate");
        StringBuilder text = new StringBuilder(String.format("digit %d; t = %d (abar = %.3f)%n%s", d.label(),
                m.denoised().step(), m.denoised().alphaBar(), likelihood(m)));
        ImageModelService.Estimate other = d.compared();
        if (other != null) {
            comparedEstimate.setImage(ImageTiles.render(other.denoised().estimate(), 0, 1, c, h, w, 1, TEST_SCALE,
                    0));
            comparedTitle.setText(kind(other) + "'s estimate");
            text.append(System.lineSeparator()).append(likelihood(other));
            if (Math.abs(other.denoised().alphaBar() - m.denoised().alphaBar()) > 1e-9) {
                text.append(String.format(" (its schedule noises this step to abar = %.3f)",
                        other.denoised().alphaBar()));
            }
        }
        denoiseInfo.setText(text.toString());
    }

    private static String kind(ImageModelService.Estimate e) {
        return e.cdm() ? "CDM" : "DDPM";
    }

    private static String likelihood(ImageModelService.Estimate e) {
        // images have no exact denoiser, so neither estimate has a floor to show beside it
        return String.format("%s, %s: %.3f bits/dim", e.label(), e.cdm() ? "CDM, one pass (Theorem 3.2)"
                : "ITD estimate (64 points, no exact floor for images)", e.bitsPerDim());
    }

    private static String describe(ImageModelService.Info i) {
        if (i == null) {
            return "";
        }
        return String.format("%s: %dx%d%s, %s, T = %d%s", i.label(), i.shape().width(), i.shape().height(),
                i.shape().channels() == 1 ? " grey" : " RGB", i.cdm() ? "CDM" : "DDPM", i.steps(),
                i.classCount() > 0 ? ", " + i.classCount() + " classes" : "");
    }

    @Override
    public String exportName() {
        return "images";
    }

    @Override
    public Node exportNode() {
        return root.getCenter();
    }

    @Override
    public List<String> csvHeader() {
        ImageModelService.Images g = vm.gridProperty().get();
        List<String> header = new ArrayList<>();
        for (int k = 0; g != null && k < g.shape().dim(); k++) {
            header.add("v" + k);
        }
        return header;
    }

    @Override
    public List<double[]> csvRows() {
        ImageModelService.Images g = vm.gridProperty().get();
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; g != null && i < g.count(); i++) {
            double[] row = new double[g.shape().dim()];
            for (int k = 0; k < row.length; k++) {
                row[k] = g.pixels()[i * row.length + k];
            }
            rows.add(row);
        }
        return rows;
    }
}
