package org.noiselab.engine;

/** A configuration value that cannot be used; the message names the field and the bad value. */
public class InvalidConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidConfigException(String field, Object value, String requirement) {
        super(field + " = " + value + ": " + requirement);
        this.field = field;
    }

    /** The offending field. */
    public String field() {
        return field;
    }
}
