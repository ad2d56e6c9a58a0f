package dev.vaeforge.runtime.model;

import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The decoder graph, bound by role: its latent input ({@code latent} or {@code latent-quantized}), an
 * optional condition, and its reconstruction read as pixels in [0, 1] ({@link PixelMapping}).
 */
public final class Decoder {
    private final ModelSessions sessions;
    private final PixelMapping pixels;
    private final int maxBatch;
    private final TensorSpec latent;
    private final TensorSpec condition;
    private final TensorSpec output;
    private final int latentSize;
    private final int imageSize;
    /** 1 / latent.scale: the graph's latent is the runtime's divided by the scale (1 for codes and unscaled latents). */
    private final double unscale;

    Decoder(ModelSessions sessions, PixelMapping pixels, int maxBatch) {
        this.sessions = sessions;
        this.pixels = pixels;
        this.maxBatch = maxBatch;
        Manifest.Graph g = sessions.graph(GraphRole.DECODER);
        this.latent = g.input(TensorRole.LATENT).or(() -> g.input(TensorRole.LATENT_QUANTIZED)).orElseThrow();
        this.condition = g.input(TensorRole.CONDITION).orElse(null);
        this.output = g.output(TensorRole.RECONSTRUCTION).orElseThrow();
        this.latentSize = perItem(latent.shape());
        this.imageSize = perItem(output.shape());
        this.unscale = 1 / sessions.manifest().latent().scaleOrOne();
    }

    /** Values per item of the latent input. */
    public int latentSize() {
        return latentSize;
    }

    public boolean takesCondition() {
        return condition != null;
    }

    /** Images [n, C, H, W] in [0, 1] from latents [n, latentSize], with conditions [n, A] where the graph takes them. */
    public float[] decode(float[] z, float[] y, int n) {
        float[] out = new float[n * imageSize];
        Chunks.forEach(n, maxBatch, (from, b) -> {
            Map<String, Tensor> in = new HashMap<>();
            in.put(latent.name(), Tensor.of(unscaled(Chunks.slice(z, from, b, latentSize)), batch(latent.shape(), b)));
            feedCondition(in, condition, y, from, b);
            try (ModelSessions.Outputs r = sessions.run(GraphRole.DECODER, in, Set.of(output.name()))) {
                float[] x = pixels.fromReconstruction(r.floats(output.name()), output.values());
                System.arraycopy(x, 0, out, from * imageSize, b * imageSize);
            }
        });
        return out;
    }

    private float[] unscaled(float[] z) {
        if (unscale == 1) {
            return z;
        }
        float[] out = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = (float) (z[i] * unscale);
        }
        return out;
    }

    static void feedCondition(Map<String, Tensor> in, TensorSpec condition, float[] y, int from, int b) {
        if (condition != null && y != null) {
            int a = (int) condition.shape()[1];
            in.put(condition.name(), Tensor.of(Chunks.slice(y, from, b, a), b, a));
        }
    }

    /** A manifest shape with its dynamic batch replaced by {@code b}. */
    static long[] batch(long[] shape, int b) {
        long[] s = shape.clone();
        s[0] = b;
        return s;
    }

    /** The product of every dimension but the batch. */
    static int perItem(long[] shape) {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return Math.toIntExact(n);
    }
}
