package dev.vaeforge.runtime.eval;

import dev.vaeforge.runtime.data.ImageShape;

/** LPIPS distances for pairs of images in [0,1]; implemented by a user-supplied LPIPS graph. */
public interface Lpips extends AutoCloseable {
    double[] distance(float[] a, float[] b, int n, ImageShape shape);

    /** Fails (before any work) if the graph cannot take images of {@code shape}. */
    default void check(ImageShape shape) {
    }

    /**
     * Why the graph cannot measure images of {@code shape} (too small for its backbone, or not the
     * fixed size it was exported for), or null when it can. Such images get LPIPS "not computed"
     * with this reason, while their other metrics are still computed.
     */
    default String unsupportedReason(ImageShape shape) {
        return null;
    }

    /** What was used (file, backbone and hash), for the report. */
    String description();

    /** Which graph, for metrics.json and the report; null where the implementation cannot say. */
    default EvaluationResult.LpipsRef ref() {
        return null;
    }

    @Override
    void close();
}
