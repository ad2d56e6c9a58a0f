package dev.vaeforge.exporter;

import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.data.ImageShape;

/**
 * The v2 manifest entries of the tensors every graph set shares (vaeforge's tensor names, each with
 * its role), so the image, condition and reconstruction are described the same way by every export.
 */
public final class Tensors {
    /** The name of the image input and of the discriminator's input. */
    public static final String IMAGE = "x";
    /** The name of a conditional model's condition input. */
    public static final String CONDITION = "y";
    /** The name of a decoder's output. */
    public static final String RECONSTRUCTION = "x_hat";

    private Tensors() {
    }

    /** x float32[N,C,H,W], pixels in [0, 1]. */
    public static TensorSpec image(ImageShape s) {
        return float32(IMAGE, TensorRole.IMAGE, -1, s.channels(), s.height(), s.width());
    }

    /** y float32[N,A]: one column per conditioning name. */
    public static TensorSpec condition(int a) {
        return float32(CONDITION, TensorRole.CONDITION, -1, a);
    }

    /** x_hat float32[N,C,H,W]: our decoders end in a sigmoid, so the values are probabilities in [0, 1]. */
    public static TensorSpec reconstruction(ImageShape s) {
        return new TensorSpec(RECONSTRUCTION, "float32", new long[] {-1, s.channels(), s.height(), s.width()},
                TensorRole.RECONSTRUCTION, TensorRole.VALUES_PROBABILITIES);
    }

    public static TensorSpec float32(String name, String role, long... shape) {
        return new TensorSpec(name, "float32", shape, role);
    }
}
