package dev.vaeforge.trainer.run;

import java.io.IOException;

/** A run directory that cannot be used; the message names the file and what was expected. */
public final class InvalidRunException extends IOException {
    private static final long serialVersionUID = 1L;

    public InvalidRunException(String message) {
        super(message);
    }

    public InvalidRunException(String message, Throwable cause) {
        super(message, cause);
    }
}
