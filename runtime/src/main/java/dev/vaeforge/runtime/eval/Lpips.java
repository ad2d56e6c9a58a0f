package dev.vaeforge.runtime.eval;

import dev.vaeforge.runtime.data.ImageShape;

/** LPIPS distances for pairs of images in [0,1]; implemented by a user-supplied LPIPS graph. */
public interface Lpips extends AutoCloseable {
    double[] distance(float[] a, float[] b, int n, ImageShape shape);

    /** Fails (before any work) if the graph cannot take images of {@code shape}. */
    default void check(ImageShape shape) {
    }

    /** What was used (file and hash), for the report. */
    String description();

    @Override
    void close();
}
