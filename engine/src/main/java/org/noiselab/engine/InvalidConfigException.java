package org.noiselab.engine;

/** A configuration value that cannot be used; the message names the field and the bad value. */
public class InvalidConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidConfigException(String field, Object value, String requirement) {
        super(field + " = " + readable(value) + ": " + requirement);
        this.field = field;
    }

    /** A value as it can be read in one line: at most 80 characters, control characters shown as '?'. */
    static String readable(Object value) {
        String s = String.valueOf(value);
        String cut = s.length() > 80 ? s.substring(0, 77) + "... (" + s.length() + " characters)" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** The offending field. */
    public String field() {
        return field;
    }
}
