package dev.vaeforge.runtime.image;

import java.io.IOException;

/**
 * An image file that cannot be used: unreadable, not an image, truncated, corrupt, unsupported, too
 * large, or the wrong size for the model. The message is always {@code "<file>: <reason>"}.
 */
public class ImageReadException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String reason;

    public ImageReadException(String file, String reason) {
        this(file, reason, null);
    }

    public ImageReadException(String file, String reason, Throwable cause) {
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
