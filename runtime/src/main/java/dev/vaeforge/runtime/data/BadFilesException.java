package dev.vaeforge.runtime.data;

import java.io.IOException;
import java.util.List;

/** A dataset holds files that cannot be used and the caller did not ask to skip them. */
public class BadFilesException extends IOException {
    private static final long serialVersionUID = 1L;
    /** At most this many files are listed in the message; {@link #badFiles()} has all of them. */
    public static final int LISTED = 10;

    private final transient List<BadFile> badFiles;

    public BadFilesException(String dataset, int total, List<BadFile> badFiles, String advice) {
        this(dataset, total, badFiles, advice, "image file", "image files");
    }

    /**
     * @param one  what one item is called in the message, e.g. "image"
     * @param many the plural, e.g. "images"
     */
    public BadFilesException(String dataset, int total, List<BadFile> badFiles, String advice, String one,
            String many) {
        super(message(dataset, total, badFiles, advice, one, many));
        this.badFiles = List.copyOf(badFiles);
    }

    public List<BadFile> badFiles() {
        return badFiles;
    }

    private static String message(String dataset, int total, List<BadFile> bad, String advice, String one,
            String many) {
        StringBuilder sb = new StringBuilder();
        sb.append(dataset).append(": ").append(bad.size()).append(" of ").append(total)
                .append(' ').append(total == 1 ? one : many).append(" cannot").append(" be used");
        for (int i = 0; i < Math.min(LISTED, bad.size()); i++) {
            sb.append("\n  ").append(bad.get(i));
        }
        if (bad.size() > LISTED) {
            sb.append("\n  ... and ").append(bad.size() - LISTED).append(" more");
        }
        if (advice != null && !advice.isEmpty()) {
            sb.append("\n").append(advice);
        }
        return sb.toString();
    }
}
