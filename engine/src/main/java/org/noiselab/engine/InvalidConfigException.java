package org.noiselab.engine;

/** A configuration value that cannot be used; the message names the field and the bad value. */
public class InvalidConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final Object value;
    private final String requirement;

    /**
     * @param field       the field or option, in the user's words
     * @param value       the offending value, or {@code null} when it was not given (the message then names only the
     *                    field)
     * @param requirement what the value must be
     */
    public InvalidConfigException(String field, Object value, String requirement) {
        super(value == null ? field + ": " + requirement : field + " = " + readable(value) + ": "
                + requirement);
        this.field = field;
        this.value = value;
        this.requirement = requirement;
    }

    /** The same complaint about the same value under another name: the option or label the user sees. */
    public InvalidConfigException named(String userField) {
        InvalidConfigException renamed = new InvalidConfigException(userField, value, requirement);
        renamed.setStackTrace(getStackTrace());
        return renamed;
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
