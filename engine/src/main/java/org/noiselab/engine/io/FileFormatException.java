package org.noiselab.engine.io;

/** A file that cannot be read as what it claims to be; the message names the file, the place and the problem. */
public class FileFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public FileFormatException(String message) {
        super(message);
    }

    public FileFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
