package dev.vaeforge.runtime.data;

import java.io.IOException;

/**
 * A data file that cannot be used as a whole: an IDX file with a wrong magic number or a size that
 * does not match its header, an .npy file with an unsupported dtype or a header that lies about its
 * shape, a CelebA list file whose header is malformed. The message is always {@code "<file>: <reason>"}.
 * Unlike a bad image in a folder, such a file cannot be skipped: the items it holds cannot be told apart.
 */
public class DataFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String reason;

    public DataFileException(String file, String reason) {
        this(file, reason, null);
    }

    public DataFileException(String file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    public String file() {
        return file;
    }

    public String reason() {
        return reason;
    }
}
