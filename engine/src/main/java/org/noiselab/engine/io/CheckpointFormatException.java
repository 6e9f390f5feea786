package org.noiselab.engine.io;

/** A checkpoint or tensor file that cannot be read; the message says what is wrong and where. */
public final class CheckpointFormatException extends FileFormatException {

    private static final long serialVersionUID = 1L;

    public CheckpointFormatException(String message) {
        super(message);
    }

    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
