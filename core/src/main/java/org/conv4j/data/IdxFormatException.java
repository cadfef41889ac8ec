package org.conv4j.data;

import java.io.IOException;
import java.nio.file.Path;

/** An IDX file that is truncated, corrupt or of an unsupported kind; the message names the file and the problem. */
public final class IdxFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    /**
     * An exception about {@code file}; the message is {@code "<file>: <problem>"}.
     *
     * @param file    the file read
     * @param problem what is wrong, e.g. {@code "truncated: 7,840 of 47,040,000 data bytes"}
     * @param cause   the underlying exception, or null
     */
    public IdxFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /**
     * The file that could not be read.
     *
     * @return the path given to the constructor; null after deserialisation (the field is transient)
     */
    public Path file() {
        return file;
    }
}
