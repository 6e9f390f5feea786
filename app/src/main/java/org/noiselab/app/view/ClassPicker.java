package org.noiselab.app.view;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javafx.beans.Observable;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Slider;

/**
 * A combo box over "no class" and a model's classes, kept in step with a label property (-1 = no class), and the
 * guidance slider that goes with it.
 */
final class ClassPicker {

    private ClassPicker() {
    }

    /**
     * A picker whose first item is {@code noClass}, then the names {@code classes} supplies; it refills when any of
     * {@code changes} fires.
     */
    static ComboBox<String> create(String id, String noClass, IntegerProperty label, Supplier<List<String>> classes,
                                   Observable... changes) {
        ComboBox<String> picker = new ComboBox<>();
        picker.setId(id);
        Runnable fill = () -> {
            List<String> items = new ArrayList<>();
            items.add(noClass);
            items.addAll(classes.get());
            picker.getItems().setAll(items);
            picker.getSelectionModel().select(label.get() + 1);
        };
        fill.run();
        for (Observable o : changes) {
            o.addListener(x -> fill.run());
        }
        picker.getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> {
            if (b.intValue() >= 0) {
                label.set(b.intValue() - 1);
            }
        });
        label.addListener((o, a, b) -> picker.getSelectionModel().select(b.intValue() + 1));
        return picker;
    }

    /** A guidance-weight slider from 0 to {@code max}, bound to {@code guidance}, disabled while no class is chosen. */
    static Slider guidanceSlider(String id, double max, double width, DoubleProperty guidance, IntegerProperty label) {
        Slider weight = new Slider(0, max, guidance.get());
        weight.setId(id);
        weight.setPrefWidth(width);
        weight.setMajorTickUnit(1);
        weight.setShowTickMarks(true);
        weight.valueProperty().bindBidirectional(guidance);
        weight.disableProperty().bind(label.lessThan(0));
        return weight;
    }
}
