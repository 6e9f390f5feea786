package org.noiselab.app.view;

import java.util.List;
import java.util.Optional;
import javafx.beans.property.Property;
import javafx.beans.value.ObservableValue;
import org.controlsfx.control.PropertySheet;

/**
 * Adapts a view-model property to a ControlsFX {@link PropertySheet} row. {@code choices}, when present, turns a
 * string property into a drop-down.
 */
final class SettingItem implements PropertySheet.Item {

    private final String category;
    private final String name;
    private final String description;
    private final Class<?> type;
    private final Property<?> property;
    private final List<String> choices;

    SettingItem(String category, String name, String description, Class<?> type, Property<?> property,
                List<String> choices) {
        this.category = category;
        this.name = name;
        this.description = description;
        this.type = type;
        this.property = property;
        this.choices = choices;
    }

    static SettingItem of(String category, String name, String description, Class<?> type, Property<?> property) {
        return new SettingItem(category, name, description, type, property, List.of());
    }

    List<String> choices() {
        return choices;
    }

    @Override
    public Class<?> getType() {
        return type;
    }

    @Override
    public String getCategory() {
        return category;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getDescription() {
        return description;
    }

    @Override
    public Object getValue() {
        Object v = property.getValue();
        if (v instanceof Number n) {
            if (type == Integer.class) {
                return n.intValue();
            }
            if (type == Long.class) {
                return n.longValue();
            }
            if (type == Double.class) {
                return n.doubleValue();
            }
        }
        return v;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void setValue(Object value) {
        if (value == null) {
            return;
        }
        ((Property<Object>) property).setValue(value);
    }

    @Override
    public Optional<ObservableValue<? extends Object>> getObservableValue() {
        return Optional.of(property);
    }
}
