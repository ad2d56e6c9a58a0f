package dev.vaeforge.runtime.data;

import dev.vaeforge.runtime.io.FileProblemException;

/**
 * A data file that cannot be used as a whole: an IDX file with a wrong magic number or a size that
 * does not match its header, an .npy file with an unsupported dtype or a header that lies about its
 * shape, a CelebA list file whose header is malformed.
 * Unlike a bad image in a folder, such a file cannot be skipped: the items it holds cannot be told apart.
 */
public class DataFileException extends FileProblemException {
    private static final long serialVersionUID = 1L;

    public DataFileException(String file, String reason) {
        this(file, reason, null);
    }

    public DataFileException(String file, String reason, Throwable cause) {
        super(file, reason, cause);
    }
}
