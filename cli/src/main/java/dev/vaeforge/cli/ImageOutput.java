package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.data.NpyWriter;
import dev.vaeforge.runtime.image.ImageGrid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where sample and interpolate write their images, chosen by the form of {@code --out}: one PNG grid
 * (any other name), a folder of PNGs ({@code DIR/}, or an existing directory) or one float32
 * {@code .npy} array [n, C, H, W] ({@code FILE.npy}). Images arrive in chunks; a folder or an array
 * holds at most one chunk in memory, a grid only itself, and a grid over {@link #MAX_SIDE} pixels a
 * side or {@link #MAX_PIXELS} pixels is refused before anything is decoded, with its size and the
 * other forms.
 */
final class ImageOutput implements AutoCloseable {
    /** The longest side of a grid PNG. */
    static final long MAX_SIDE = 16_384;
    /** The most pixels of a grid PNG (16 Mpixel: about 320 MB while it is built and encoded). */
    static final long MAX_PIXELS = 16L << 20;
    /** Padding between grid cells. */
    static final int PADDING = 2;
    /** What {@code --out} accepts, for messages. */
    static final String FORMS = "FILE.png (one grid), DIR/ (one PNG per image) or FILE.npy (one float32 array"
            + " [n, C, H, W])";

    enum Form { GRID, FOLDER, NPY }

    private final Form form;
    private final Path out;
    private final ImageShape shape;
    private final String prefix;
    private final ImageGrid.Builder grid;
    private final NpyWriter npy;
    private int written;

    private ImageOutput(Form form, Path out, ImageShape shape, String prefix, ImageGrid.Builder grid, NpyWriter npy) {
        this.form = form;
        this.out = out;
        this.shape = shape;
        this.prefix = prefix;
        this.grid = grid;
        this.npy = npy;
    }

    /** The form of {@code raw} as typed (a trailing slash says folder). */
    static Form form(String raw) {
        String s = raw.strip();
        if (s.endsWith("/") || s.endsWith(java.io.File.separator) || Files.isDirectory(Path.of(s))) {
            return Form.FOLDER;
        }
        return s.toLowerCase(Locale.ROOT).endsWith(".npy") ? Form.NPY : Form.GRID;
    }

    /**
     * Opens the output for {@code count} images; a grid has {@code columns} columns and is checked for
     * size here. {@code what} names the images in messages ("samples"), {@code prefix} the files of a
     * folder ("sample" gives sample-00000.png).
     */
    static ImageOutput open(String raw, ImageShape shape, int count, int columns, String what, String prefix) {
        Form form = form(raw);
        Path out = Path.of(raw.strip());
        try {
            switch (form) {
                case GRID -> {
                    if (columns < 1) {
                        throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--columns must be >= 1, got "
                                + columns);
                    }
                    long[] size = ImageGrid.size(shape, count, columns, PADDING);
                    if (size[0] > MAX_SIDE || size[1] > MAX_SIDE || size[0] * size[1] > MAX_PIXELS) {
                        throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, String.format(Locale.ROOT,
                                "--out %s: %d %s of %dx%d in %d columns would make a grid of %dx%d px (%.1f Mpixel);"
                                        + " one PNG is at most %d px a side and %d Mpixel; write a folder or an array:"
                                        + " --out takes %s", raw, count, what, shape.height(), shape.width(),
                                Math.min(columns, count), size[1], size[0], size[0] * size[1] / 1048576.0, MAX_SIDE,
                                MAX_PIXELS >> 20, FORMS));
                    }
                    return new ImageOutput(form, out, shape, prefix, ImageGrid.builder(shape, count, columns, PADDING),
                            null);
                }
                case FOLDER -> {
                    Files.createDirectories(out);
                    return new ImageOutput(form, out, shape, prefix, null, null);
                }
                default -> {
                    return new ImageOutput(form, out, shape, prefix, null, NpyWriter.create(out, NpyWriter.Type.FLOAT32,
                            count, shape.channels(), shape.height(), shape.width()));
                }
            }
        } catch (IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.IO, "cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    Form form() {
        return form;
    }

    /** Appends the {@code n} images of {@code chunk} (NCHW). */
    void write(float[] chunk, int n) {
        switch (form) {
            case GRID -> grid.add(chunk, n);
            case FOLDER -> {
                int per = shape.size();
                for (int i = 0; i < n; i++) {
                    float[] one = new float[per];
                    System.arraycopy(chunk, i * per, one, 0, per);
                    ImageFiles.writePng(one, shape, out.resolve(String.format(Locale.ROOT, "%s-%05d.png", prefix,
                            written + i)));
                }
            }
            default -> {
                try {
                    npy.write(chunk, 0, n * shape.size());
                } catch (IOException e) {
                    throw new VaeforgeException(VaeforgeException.Code.IO, "cannot write " + out + ": " + e.getMessage(), e);
                }
            }
        }
        written += n;
    }

    /** Publishes the grid or the array (a folder's files are written as they come). */
    void finish() {
        if (form == Form.GRID) {
            ImageFiles.writePng(grid.image(), out);
        } else if (form == Form.NPY) {
            try {
                npy.commit();
            } catch (IOException e) {
                throw new VaeforgeException(VaeforgeException.Code.IO, "cannot write " + out + ": " + e.getMessage(), e);
            }
        }
    }

    /** Deletes an array that was not finished. */
    @Override
    public void close() {
        if (npy != null) {
            try {
                npy.close();
            } catch (IOException e) {
                throw new VaeforgeException(VaeforgeException.Code.IO, "cannot close " + out + ": " + e.getMessage(), e);
            }
        }
    }

    /** What was written, for the command's last line: "grid s.png", "folder d/ (sample-NNNNN.png)", "array s.npy". */
    String describe() {
        return switch (form) {
            case GRID -> "grid " + out.toAbsolutePath();
            case FOLDER -> "folder " + out.toAbsolutePath() + " (" + prefix + "-NNNNN.png)";
            case NPY -> "array " + out.toAbsolutePath() + " (float32 [" + written + ", " + shape.channels() + ", "
                    + shape.height() + ", " + shape.width() + "])";
        };
    }
}
