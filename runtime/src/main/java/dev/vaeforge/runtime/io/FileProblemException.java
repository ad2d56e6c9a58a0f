package dev.vaeforge.runtime.io;

import java.io.IOException;

/**
 * A file that cannot be used, with the file and the reason kept apart so callers can list them;
 * the message is always {@code "<file>: <reason>"}. Subclasses say what kind of file it was.
 */
public abstract class FileProblemException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String reason;

    protected FileProblemException(String file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    /** The file as the caller named it (a path or a name). */
    public String file() {
        return file;
    }

    /** What is wrong, without the file name. */
    public String reason() {
        return reason;
    }
}
