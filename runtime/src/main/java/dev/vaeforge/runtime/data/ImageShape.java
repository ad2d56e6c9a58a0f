package dev.vaeforge.runtime.data;

/** Channels, height and width of one image (NCHW without the N). */
public record ImageShape(int channels, int height, int width) {
    public ImageShape {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (gray) or 3 (RGB), got " + channels);
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image height and width must be positive, got " + height + "x" + width);
        }
    }

    /** Number of floats in one image. */
    public int size() {
        return channels * height * width;
    }

    public long[] batchShape(long n) {
        return new long[] {n, channels, height, width};
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
