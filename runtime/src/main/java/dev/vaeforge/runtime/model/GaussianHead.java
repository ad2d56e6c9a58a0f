package dev.vaeforge.runtime.model;

import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.ops.Posterior;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Gaussian latent (a vector [D] or a grid [C, h, w]): the encoder gives q(z|x) as mean and
 * log-variance (two outputs, or one latent-moments output with the mean first along axis 1), the
 * decoder maps z back to images.
 */
public final class GaussianHead implements LatentHead {
    private final ModelSessions sessions;
    private final Decoder decoder;
    private final PixelMapping pixels;
    private final int maxBatch;
    private final int size;
    private final Manifest.Graph encoder;
    /** A flow posterior's graph, or null for a Gaussian one. */
    private final Manifest.Graph flow;

    GaussianHead(ModelSessions sessions, Decoder decoder, PixelMapping pixels, int maxBatch) {
        this.sessions = sessions;
        this.decoder = decoder;
        this.pixels = pixels;
        this.maxBatch = maxBatch;
        this.size = sessions.manifest().latent().size();
        this.encoder = sessions.has(GraphRole.ENCODER) ? sessions.graph(GraphRole.ENCODER) : null;
        this.flow = sessions.has(GraphRole.POSTERIOR_FLOW) ? sessions.graph(GraphRole.POSTERIOR_FLOW) : null;
    }

    /** Values per item of the latent. */
    public int size() {
        return size;
    }

    @Override
    public boolean canEncode() {
        return encoder != null;
    }

    /** q(z|x, y) for {@code n} images in [0, 1]; {@code y} only where the encoder takes a condition. */
    public Posterior encode(float[] images, float[] y, int n) {
        TensorSpec image = encoder.input(TensorRole.IMAGE).orElseThrow();
        TensorSpec condition = encoder.input(TensorRole.CONDITION).orElse(null);
        TensorSpec moments = encoder.output(TensorRole.LATENT_MOMENTS).orElse(null);
        Set<String> outs = new LinkedHashSet<>();
        if (moments != null) {
            outs.add(moments.name());
        } else {
            outs.add(encoder.output(TensorRole.LATENT_MEAN).orElseThrow().name());
            outs.add(encoder.output(TensorRole.LATENT_LOGVAR).orElseThrow().name());
        }
        TensorSpec context = flow == null ? null : encoder.output(TensorRole.POSTERIOR_CONTEXT).orElseThrow();
        int c = context == null ? 0 : (int) context.shape()[1];
        if (context != null) {
            outs.add(context.name());
        }
        float[] contexts = new float[n * c];
        int per = Decoder.perItem(image.shape());
        float[] mu = new float[n * size];
        float[] logvar = new float[n * size];
        Chunks.forEach(n, maxBatch, (from, b) -> {
            Map<String, Tensor> in = new HashMap<>();
            in.put(image.name(), Tensor.of(pixels.toGraph(Chunks.slice(images, from, b, per)), Decoder.batch(image.shape(), b)));
            Decoder.feedCondition(in, condition, y, from, b);
            try (ModelSessions.Outputs r = sessions.run(GraphRole.ENCODER, in, outs)) {
                if (context != null) {
                    System.arraycopy(r.floats(context.name()), 0, contexts, from * c, b * c);
                }
                if (moments != null) {
                    split(r.floats(moments.name()), b, mu, logvar, from);
                } else {
                    System.arraycopy(r.floats(encoder.output(TensorRole.LATENT_MEAN).get().name()), 0, mu, from * size, b * size);
                    System.arraycopy(r.floats(encoder.output(TensorRole.LATENT_LOGVAR).get().name()), 0, logvar, from * size,
                            b * size);
                }
            }
        });
        scale(mu, logvar);
        return new Posterior(mu, logvar, n, size, context == null ? null : (z0, rows) -> flow(z0, rows, contexts, c));
    }

    /** Runs the posterior_flow graph on rows z0 [rows, size], row r with the context of image images[r]. */
    private Posterior.Flowed flow(float[] z0, int[] images, float[] contexts, int c) {
        int rows = images.length;
        TensorSpec base = flow.input(TensorRole.LATENT_BASE).orElseThrow();
        TensorSpec context = flow.input(TensorRole.POSTERIOR_CONTEXT).orElseThrow();
        String zOut = flow.output(TensorRole.LATENT).orElseThrow().name();
        String detOut = flow.output(TensorRole.LOG_DET).orElseThrow().name();
        float[] z = new float[rows * size];
        float[] logDet = new float[rows];
        Chunks.forEach(rows, maxBatch, (from, b) -> {
            float[] ctx = new float[b * c];
            for (int r = 0; r < b; r++) {
                System.arraycopy(contexts, images[from + r] * c, ctx, r * c, c);
            }
            Map<String, Tensor> in = new HashMap<>();
            in.put(base.name(), Tensor.of(Chunks.slice(z0, from, b, size), new long[] {b, size}));
            in.put(context.name(), Tensor.of(ctx, new long[] {b, c}));
            try (ModelSessions.Outputs r = sessions.run(GraphRole.POSTERIOR_FLOW, in, new LinkedHashSet<>(List.of(zOut,
                    detOut)))) {
                System.arraycopy(r.floats(zOut), 0, z, from * size, b * size);
                System.arraycopy(r.floats(detOut), 0, logDet, from, b);
            }
        });
        return new Posterior.Flowed(z, logDet);
    }

    /** The manifest's latent scale s (diffusers' scaling_factor): q(s·z | x) has mean s·mu and log-variance logvar + 2 ln s. */
    private void scale(float[] mu, float[] logvar) {
        double s = sessions.manifest().latent().scaleOrOne();
        if (s == 1) {
            return;
        }
        float shift = (float) (2 * Math.log(s));
        for (int i = 0; i < mu.length; i++) {
            mu[i] = (float) (mu[i] * s);
            logvar[i] += shift;
        }
    }

    /** Moments [b, 2C, ...]: each item's first half is its mean, the second its log-variance. */
    private void split(float[] moments, int b, float[] mu, float[] logvar, int from) {
        for (int i = 0; i < b; i++) {
            System.arraycopy(moments, i * 2 * size, mu, (from + i) * size, size);
            System.arraycopy(moments, i * 2 * size + size, logvar, (from + i) * size, size);
        }
    }

    /** Images in [0, 1] from latents z [n, size]. */
    public float[] decode(float[] z, float[] y, int n) {
        return decoder.decode(z, y, n);
    }

    /**
     * {@code steps} images decoded along the straight line between the posterior means of images
     * {@code a} and {@code b} (both ends included), with one condition {@code y} [A] (or null) for all.
     */
    public float[] interpolate(float[] a, float[] b, int steps, float[] y) {
        float[] both = new float[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        float[] mu = encode(both, Inputs.repeat(y, 2), 2).means();
        float[] z = new float[steps * size];
        for (int s = 0; s < steps; s++) {
            float t = s / (float) (steps - 1);
            for (int j = 0; j < size; j++) {
                z[s * size + j] = (1 - t) * mu[j] + t * mu[size + j];
            }
        }
        return decode(z, Inputs.repeat(y, steps), steps);
    }

    @Override
    public Reconstruction reconstruct(float[] images, float[] y, int n) {
        Posterior q = encode(images, y, n);
        return new Reconstruction(decode(q.means(), y, n), q, null);
    }

    @Override
    public float[] decode(Prior.Draw draw, float[] y) {
        return decode(draw.latents(), y, draw.n());
    }

    @Override
    public String reconstructionText() {
        return flow == null ? "decoder(posterior mean mu(x))" : "decoder(flow(mu(x))): the base posterior's mean through the flow";
    }

    @Override
    public String sampleCheckText() {
        return "decoder(mu(x_g))";
    }

    @Override
    public String noKlReason() {
        return null;
    }
}
