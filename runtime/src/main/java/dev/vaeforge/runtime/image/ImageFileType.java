package dev.vaeforge.runtime.image;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The image file formats the runtime reads. The format is always taken from the file's first bytes,
 * never from its name, so a PNG named {@code .jpg} still reads; extensions only select which files of
 * a folder are considered images.
 */
public enum ImageFileType {
    PNG("PNG", List.of("png")),
    JPEG("JPEG", List.of("jpg", "jpeg", "jpe", "jfif")),
    BMP("BMP", List.of("bmp", "dib")),
    GIF("GIF", List.of("gif")),
    TIFF("TIFF", List.of("tif", "tiff"));

    /** For messages: "PNG, JPEG, BMP, GIF or TIFF". */
    public static final String ALL_NAMES = "PNG, JPEG, BMP, GIF or TIFF";

    private final String displayName;
    private final List<String> extensions;

    ImageFileType(String displayName, List<String> extensions) {
        this.displayName = displayName;
        this.extensions = extensions;
    }

    public String displayName() {
        return displayName;
    }

    /** Lower-case extensions without the dot. */
    public List<String> extensions() {
        return extensions;
    }

    /** The format whose signature starts {@code head}, if any. */
    public static Optional<ImageFileType> sniff(byte[] head, int length) {
        if (length >= 8 && u(head, 0) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G'
                && head[4] == '\r' && head[5] == '\n' && head[6] == 0x1a && head[7] == '\n') {
            return Optional.of(PNG);
        }
        if (length >= 3 && u(head, 0) == 0xff && u(head, 1) == 0xd8 && u(head, 2) == 0xff) {
            return Optional.of(JPEG);
        }
        if (length >= 2 && head[0] == 'B' && head[1] == 'M') {
            return Optional.of(BMP);
        }
        if (length >= 6 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F' && head[3] == '8'
                && (head[4] == '7' || head[4] == '9') && head[5] == 'a') {
            return Optional.of(GIF);
        }
        if (length >= 4 && ((head[0] == 'I' && head[1] == 'I' && head[2] == 42 && head[3] == 0)
                || (head[0] == 'M' && head[1] == 'M' && head[2] == 0 && head[3] == 42))) {
            return Optional.of(TIFF);
        }
        return Optional.empty();
    }

    /** The format a file name's extension suggests (case-insensitive), if any. */
    public static Optional<ImageFileType> byExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String ext = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        for (ImageFileType t : values()) {
            if (t.extensions.contains(ext)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private static int u(byte[] b, int i) {
        return b[i] & 0xff;
    }
}
