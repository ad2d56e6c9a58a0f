package dev.vaeforge.runtime.image;

import dev.vaeforge.runtime.io.FileProblemException;

/**
 * An image file that cannot be used: unreadable, not an image, truncated, corrupt, unsupported, too
 * large, or the wrong size for the model.
 */
public class ImageReadException extends FileProblemException {
    private static final long serialVersionUID = 1L;

    public ImageReadException(String file, String reason) {
        this(file, reason, null);
    }

    public ImageReadException(String file, String reason, Throwable cause) {
        super(file, reason, cause);
    }
}
