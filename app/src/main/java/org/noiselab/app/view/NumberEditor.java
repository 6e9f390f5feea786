package org.noiselab.app.view;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Pattern;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.VBox;
import org.controlsfx.property.editor.PropertyEditor;
import org.jspecify.annotations.Nullable;

/**
 * A settings field for a number that takes whatever a person types: {@code -5}, {@code 1e-4}, {@code 2e4} and
 * {@code 5x} all stay in the field as typed. Text that reads as a number of the setting's type goes to the setting at
 * once (the settings' own validation then judges its range); text that does not is named under the field in the
 * label's words, and the setting keeps its last valid value. Nothing typed is dropped and nothing throws.
 */
final class NumberEditor implements PropertyEditor<Object> {

    /** A decimal number as a person writes one: optional sign, digits with an optional point, optional exponent. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private final SettingItem item;
    private final java.util.function.BiConsumer<String, @Nullable String> report;
    private final TextField field = new TextField();
    private final Label problem = new Label();
    private final VBox box = new VBox(2, field, problem);
    private Object value;

    /**
     * @param item   the setting
     * @param report told the label and the problem when the text stops reading as a value, and the label and
     *               {@code null} when it reads again
     */
    NumberEditor(SettingItem item, java.util.function.BiConsumer<String, @Nullable String> report) {
        this.item = item;
        this.report = report;
        this.value = item.getValue();
        String id = "setting-" + item.getName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        field.setId(id);
        problem.setId(id + "-problem");
        problem.getStyleClass().add("validation-message");
        problem.setWrapText(true);
        problem.managedProperty().bind(problem.textProperty().isNotEmpty());
        problem.visibleProperty().bind(problem.textProperty().isNotEmpty());
        field.setTooltip(new Tooltip(item.getDescription()));
        field.setText(format(value));
        field.textProperty().addListener((o, old, text) -> apply(text));
        item.getObservableValue().ifPresent(v -> v.addListener((o, old, now) -> setValue(item.getValue())));
    }

    @Override
    public Node getEditor() {
        return box;
    }

    @Override
    public Object getValue() {
        return value;
    }

    /** Shows a value set from outside (a run opened, a setting reset), unless the field already reads as it. */
    @Override
    public void setValue(Object v) {
        if (v == null) {
            return;
        }
        value = v;
        Number typed = read(field.getText()).value();
        if (typed == null || !(v instanceof Number n) || typed.doubleValue() != n.doubleValue()) {
            field.setText(format(v));
        }
        problem.setText("");
        report.accept(item.getName(), null);
    }

    private void apply(String text) {
        Reading r = read(text);
        if (r.problem() != null) {
            problem.setText(item.getName() + ": " + r.problem());
            report.accept(item.getName(), problem.getText());
            return;
        }
        problem.setText("");
        report.accept(item.getName(), null);
        value = r.value();
        item.setValue(r.value());
    }

    /** What a text reads as: a value of the setting's type, or why it is none. */
    private record Reading(@Nullable Number value, @Nullable String problem) {
    }

    private Reading read(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            return new Reading(null, "type a number");
        }
        if (!DECIMAL.matcher(s).matches()) {
            return new Reading(null, "'" + shortened(s) + "' is not a number");
        }
        BigDecimal d = new BigDecimal(s);
        Class<?> type = item.getType();
        if (type == Integer.class || type == Long.class) {
            BigDecimal whole = d.stripTrailingZeros();
            if (whole.scale() > 0) {
                return new Reading(null, "'" + shortened(s) + "' is not a whole number");
            }
            BigInteger i = whole.toBigIntegerExact();
            long min = type == Integer.class ? Integer.MIN_VALUE : Long.MIN_VALUE;
            long max = type == Integer.class ? Integer.MAX_VALUE : Long.MAX_VALUE;
            if (i.compareTo(BigInteger.valueOf(max)) > 0 || i.compareTo(BigInteger.valueOf(min)) < 0) {
                return new Reading(null, "'" + shortened(s) + "' is beyond " + (i.signum() > 0 ? max : min));
            }
            return new Reading(type == Integer.class ? (Number) i.intValueExact() : (Number) i.longValueExact(), null);
        }
        double v = d.doubleValue();
        return Double.isFinite(v) ? new Reading(v, null)
                : new Reading(null, "'" + shortened(s) + "' is beyond the largest number");
    }

    private static String shortened(String s) {
        return s.length() > 24 ? s.substring(0, 21) + "..." : s;
    }

    /** A number as it would be typed: whole numbers plainly, decimals without trailing zeros, tiny ones in e form. */
    static String format(@Nullable Object v) {
        if (v instanceof Double d) {
            double a = Math.abs(d);
            if (a != 0 && (a < 1e-4 || a >= 1e9)) {
                return Double.toString(d);
            }
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(v);
    }
}
