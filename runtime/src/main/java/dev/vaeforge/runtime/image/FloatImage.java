package dev.vaeforge.runtime.image;

import dev.vaeforge.runtime.data.ImageShape;

/**
 * One image as CHW floats, nominally in [0, 1]: 1 channel (gray) or 3 (RGB). The array is shared, not
 * copied.
 */
public record FloatImage(int channels, int height, int width, float[] data) {
    public FloatImage {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (gray) or 3 (RGB), got " + channels);
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image height and width must be positive, got " + height + "x" + width);
        }
        if (data.length != (long) channels * height * width) {
            throw new IllegalArgumentException(data.length + " values for a " + channels + "x" + height + "x" + width
                    + " image, expected " + (long) channels * height * width);
        }
    }

    /** Wraps {@code chw} (not copied) as an image of {@code shape}. */
    public static FloatImage of(ImageShape shape, float[] chw) {
        return new FloatImage(shape.channels(), shape.height(), shape.width(), chw);
    }

    public ImageShape shape() {
        return new ImageShape(channels, height, width);
    }

    public float get(int channel, int y, int x) {
        return data[(channel * height + y) * width + x];
    }

    @Override
    public String toString() {
        return "FloatImage[" + channels + "x" + height + "x" + width + "]";
    }
}
