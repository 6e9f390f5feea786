package org.noiselab.app.view;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javafx.beans.binding.Bindings;
import javafx.scene.Node;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;
import org.jspecify.annotations.Nullable;
import org.noiselab.app.service.TorchTrainer;
import org.noiselab.toys.ToyDatasets;

/**
 * Run > Train with PyTorch...: the trainer's setup as a form (interpreter, dataset, image folder, objective, steps,
 * conditional, device, processes, bf16, seed, run folder). Whatever is typed stays as typed; a field that does not
 * read is named under the form in its label's words and Train stays disabled until it does.
 */
final class TorchTrainingDialog {

    static final List<String> IMAGE_DATASETS = List.of("mnist", "cifar10", "png");
    static final List<String> OBJECTIVES = List.of("ddpm", "itd", "cdl", "ddpm+cdl", "cdm");

    private final Dialog<TorchTrainer.Request> dialog = new Dialog<>();
    private final TextField python = field("torch-python");
    private final ComboBox<String> dataset = new ComboBox<>();
    private final TextField data = field("torch-data");
    private final ComboBox<String> objective = new ComboBox<>();
    private final TextField steps = field("torch-steps");
    private final CheckBox conditional = new CheckBox("Conditional (the dataset's classes, guidance)");
    private final ComboBox<String> device = new ComboBox<>();
    private final TextField processes = field("torch-processes");
    private final CheckBox bf16 = new CheckBox("bf16 autocast (CUDA)");
    private final TextField seed = field("torch-seed");
    private final TextField out = field("torch-out");
    private final Label problem = new Label();
    private final java.util.function.Function<String, Path> defaultOut;
    private boolean outEdited;

    TorchTrainingDialog(@Nullable Window owner, String interpreter, String currentDataset,
                        java.util.function.Function<String, Path> defaultOut) {
        this.defaultOut = defaultOut;
        dialog.initOwner(owner);
        dialog.setTitle("Train with PyTorch");
        dialog.setHeaderText("Train with the PyTorch twins (GPU when present); the lab follows the run folder and"
                + " opens each checkpoint as it lands.");
        List<String> names = new ArrayList<>(ToyDatasets.names());
        names.addAll(IMAGE_DATASETS);
        dataset.getItems().setAll(names);
        dataset.setId("torch-dataset");
        dataset.setValue(names.contains(currentDataset) ? currentDataset : names.get(0));
        objective.getItems().setAll(OBJECTIVES);
        objective.setValue("ddpm");
        objective.setId("torch-objective");
        device.getItems().setAll("auto", "cpu", "cuda");
        device.setValue("auto");
        device.setId("torch-device");
        conditional.setId("torch-conditional");
        bf16.setId("torch-bf16");
        python.setText(interpreter);
        steps.setText(IMAGE_DATASETS.contains(dataset.getValue()) ? "4000" : "20000");
        processes.setText("1");
        seed.setText("0");
        out.setText(defaultOut.apply(dataset.getValue()).toString());
        data.setPromptText("the images' folder or file (mnist: empty = the 1000 images shipped)");
        out.textProperty().addListener((o, a, b) -> outEdited = outEdited || !b.equals(
                defaultOut.apply(dataset.getValue()).toString()));
        dataset.valueProperty().addListener((o, a, b) -> {
            if (!outEdited && b != null) {
                out.setText(defaultOut.apply(b).toString());
                outEdited = false;
            }
            data.setDisable(!IMAGE_DATASETS.contains(b));
        });
        data.setDisable(!IMAGE_DATASETS.contains(dataset.getValue()));
        problem.setId("torch-problem");
        problem.getStyleClass().add("validation-message");
        problem.setWrapText(true);

        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(6);
        int row = 0;
        for (Object[] r : new Object[][] {{"Python", python}, {"Dataset", dataset}, {"Image data", data},
            {"Objective", objective}, {"Steps", steps}, {"", conditional}, {"Device", device},
            {"Processes", processes}, {"", bf16}, {"Seed", seed}, {"Run folder", out}}) {
            grid.addRow(row++, new Label((String) r[0]), (Node) r[1]);
        }
        grid.add(problem, 0, row, 2, 1);
        python.setPrefColumnCount(28);
        out.setPrefColumnCount(36);
        dialog.getDialogPane().setContent(grid);
        ButtonType train = new ButtonType("Train", ButtonBar.ButtonData.OK_DONE);
        dialog.getDialogPane().getButtonTypes().addAll(train, ButtonType.CANCEL);
        Node trainButton = dialog.getDialogPane().lookupButton(train);
        trainButton.setId("torch-train");
        problem.textProperty().bind(Bindings.createStringBinding(this::problem, python.textProperty(),
                dataset.valueProperty(), data.textProperty(), steps.textProperty(), processes.textProperty(),
                seed.textProperty(), out.textProperty(), device.valueProperty()));
        trainButton.disableProperty().bind(problem.textProperty().isNotEmpty());
        dialog.setResultConverter(b -> b == train ? request() : null);
    }

    /** Shows the dialog and waits: the request, or empty when cancelled. */
    Optional<TorchTrainer.Request> ask() {
        return dialog.showAndWait();
    }

    /** The dialog itself (for tests that drive it without waiting). */
    Dialog<TorchTrainer.Request> dialog() {
        return dialog;
    }

    private String problem() {
        try {
            request();
            return "";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** The request the form reads as; throws {@link IllegalArgumentException} naming the first field that does not. */
    TorchTrainer.Request request() {
        String name = dataset.getValue();
        boolean image = IMAGE_DATASETS.contains(name);
        String folder = data.getText().strip();
        if (name.equals("cifar10") || name.equals("png")) {
            if (folder.isEmpty()) {
                throw new IllegalArgumentException("Image data: " + name + " needs its folder");
            }
        }
        String outText = out.getText().strip();
        if (outText.isEmpty()) {
            throw new IllegalArgumentException("Run folder: name one");
        }
        return new TorchTrainer.Request(python.getText().strip(), name,
                image && !folder.isEmpty() ? Path.of(folder) : null, objective.getValue(),
                whole("Steps", steps.getText()), conditional.isSelected(), device.getValue(),
                whole("Processes", processes.getText()), bf16.isSelected(), whole("Seed", seed.getText()),
                Path.of(outText));
    }

    private static int whole(String label, String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(label + ": '" + text.strip() + "' is not a whole number");
        }
    }

    private static TextField field(String id) {
        TextField f = new TextField();
        f.setId(id);
        return f;
    }
}
