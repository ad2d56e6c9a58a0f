package dev.vaeforge.runtime.data;

/**
 * A file a dataset could not use, so that callers can report skips instead of losing them.
 *
 * @param path   relative to the dataset root, with {@code /} separators
 * @param reason what is wrong, e.g. "truncated or corrupt JPEG data (...)"
 */
public record BadFile(String path, String reason) {
    @Override
    public String toString() {
        return path + ": " + reason;
    }
}
