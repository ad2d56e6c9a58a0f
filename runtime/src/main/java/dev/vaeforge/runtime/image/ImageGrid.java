package dev.vaeforge.runtime.image;

import dev.vaeforge.runtime.data.ImageShape;
import java.util.Arrays;

/**
 * Lays out batches of CHW images for viewing: a grid, originals above their reconstructions, and a
 * strip (one row, e.g. an interpolation). Cells are separated and surrounded by {@code padding} pixels
 * of {@link #DEFAULT_PAD_VALUE} mid-gray, which stands out against both black and white backgrounds;
 * empty cells of a last, partial row are padding too. The result is a {@link FloatImage} ready for
 * {@link PngWriter}.
 */
public final class ImageGrid {
    public static final float DEFAULT_PAD_VALUE = 0.5f;

    private ImageGrid() {
    }

    /**
     * The first {@code count} images of an NCHW batch, {@code columns} per row (fewer when
     * {@code count < columns}), row by row.
     */
    public static FloatImage of(float[] batch, ImageShape shape, int count, int columns, int padding) {
        return of(batch, shape, count, columns, padding, DEFAULT_PAD_VALUE);
    }

    public static FloatImage of(float[] batch, ImageShape shape, int count, int columns, int padding, float padValue) {
        check(batch, shape, count, "batch");
        if (columns <= 0) {
            throw new IllegalArgumentException("columns must be positive, got " + columns);
        }
        int cols = Math.min(columns, count);
        int rows = (count + cols - 1) / cols;
        Canvas canvas = new Canvas(shape, rows, cols, padding, padValue, 0);
        for (int i = 0; i < count; i++) {
            canvas.put(batch, i, i / cols, i % cols);
        }
        return canvas.image();
    }

    /**
     * Originals above their reconstructions: for each group of {@code columns} images, one row of
     * originals and directly below it the row of their reconstructions; groups are separated by twice
     * the padding so pairs of rows read as pairs.
     */
    public static FloatImage comparison(float[] originals, float[] reconstructions, ImageShape shape, int count,
            int columns, int padding) {
        check(originals, shape, count, "originals");
        check(reconstructions, shape, count, "reconstructions");
        if (columns <= 0) {
            throw new IllegalArgumentException("columns must be positive, got " + columns);
        }
        int cols = Math.min(columns, count);
        int groups = (count + cols - 1) / cols;
        Canvas canvas = new Canvas(shape, 2 * groups, cols, padding, DEFAULT_PAD_VALUE, padding);
        for (int i = 0; i < count; i++) {
            int group = i / cols;
            canvas.put(originals, i, 2 * group, i % cols);
            canvas.put(reconstructions, i, 2 * group + 1, i % cols);
        }
        return canvas.image();
    }

    /**
     * The size {@link #of} would give {@code count} images in {@code columns} columns: {height, width}
     * in pixels, computed without allocating anything (to refuse absurd grids before decoding).
     */
    public static long[] size(ImageShape shape, int count, int columns, int padding) {
        if (count <= 0 || columns <= 0) {
            throw new IllegalArgumentException("count and columns must be positive, got " + count + " and " + columns);
        }
        long cols = Math.min(columns, count);
        long rows = (count + cols - 1) / cols;
        return new long[] {rows * shape.height() + (rows + 1) * padding, cols * shape.width() + (cols + 1) * padding};
    }

    /**
     * A grid filled chunk by chunk, as {@link #of} lays it out, so the images need not be held as one
     * batch besides the grid: {@code add} the images in order, then take the {@link #image()}.
     */
    public static Builder builder(ImageShape shape, int count, int columns, int padding) {
        return new Builder(shape, count, columns, padding);
    }

    /** See {@link #builder}. */
    public static final class Builder {
        private final ImageShape shape;
        private final int count;
        private final int cols;
        private final Canvas canvas;
        private int added;

        private Builder(ImageShape shape, int count, int columns, int padding) {
            if (count <= 0) {
                throw new IllegalArgumentException("count must be positive, got " + count);
            }
            if (columns <= 0) {
                throw new IllegalArgumentException("columns must be positive, got " + columns);
            }
            this.shape = shape;
            this.count = count;
            this.cols = Math.min(columns, count);
            this.canvas = new Canvas(shape, (count + cols - 1) / cols, cols, padding, DEFAULT_PAD_VALUE, 0);
        }

        /** Places the next {@code n} images of {@code chunk} (NCHW). */
        public void add(float[] chunk, int n) {
            check(chunk, shape, n, "chunk");
            if (added + n > count) {
                throw new IllegalArgumentException("the grid holds " + count + " images; " + added + " added, " + n
                        + " more given");
            }
            for (int i = 0; i < n; i++, added++) {
                canvas.put(chunk, i, added / cols, added % cols);
            }
        }

        /** The grid; every declared image must have been added. */
        public FloatImage image() {
            if (added != count) {
                throw new IllegalStateException("the grid holds " + count + " images but " + added + " were added");
            }
            return canvas.image();
        }
    }

    /** One row of {@code count} images, e.g. the steps of an interpolation. */
    public static FloatImage strip(float[] frames, ImageShape shape, int count, int padding) {
        return of(frames, shape, count, count, padding);
    }

    private static void check(float[] batch, ImageShape shape, int count, String what) {
        if (count <= 0) {
            throw new IllegalArgumentException(what + ": count must be positive, got " + count);
        }
        if ((long) count * shape.size() > batch.length) {
            throw new IllegalArgumentException(what + ": " + count + " images of " + shape + " need "
                    + (long) count * shape.size() + " values, the batch has " + batch.length);
        }
    }

    /** Cell placement with uniform padding plus {@code pairGap} extra pixels above every even row but the first. */
    private static final class Canvas {
        private final ImageShape shape;
        private final int padding;
        private final int pairGap;
        private final int width;
        private final int height;
        private final float[] data;

        Canvas(ImageShape shape, int rows, int cols, int padding, float padValue, int pairGap) {
            if (padding < 0) {
                throw new IllegalArgumentException("padding must be >= 0, got " + padding);
            }
            this.shape = shape;
            this.padding = padding;
            this.pairGap = pairGap;
            long w = (long) cols * shape.width() + (long) (cols + 1) * padding;
            long h = (long) rows * shape.height() + (long) (rows + 1) * padding + (long) ((rows - 1) / 2) * pairGap;
            if (w * h * shape.channels() > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("grid of " + rows + "x" + cols + " images of " + shape
                        + " is too large for one image (" + h + "x" + w + ")");
            }
            this.width = (int) w;
            this.height = (int) h;
            this.data = new float[shape.channels() * height * width];
            Arrays.fill(data, padValue);
        }

        void put(float[] batch, int index, int row, int col) {
            int h = shape.height();
            int w = shape.width();
            int x0 = padding + col * (w + padding);
            int y0 = padding + row * (h + padding) + (row / 2) * pairGap;
            int src = index * shape.size();
            for (int c = 0; c < shape.channels(); c++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(batch, src + (c * h + y) * w, data, (c * height + y0 + y) * width + x0, w);
                }
            }
        }

        FloatImage image() {
            return new FloatImage(shape.channels(), height, width, data);
        }
    }
}
