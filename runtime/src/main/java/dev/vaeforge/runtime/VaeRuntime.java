package dev.vaeforge.runtime;

import dev.vaeforge.runtime.bundle.Bundle;
import dev.vaeforge.runtime.bundle.BundleArchive;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.ops.GraphRunner;
import dev.vaeforge.runtime.ops.Posterior;
import dev.vaeforge.runtime.session.BundleSessions;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The runtime's entry point: a verified bundle with one ONNX Runtime session per graph, and batched
 * encode / decode / reconstruct / sample / interpolate. Images are float NCHW in [0,1]. Large inputs
 * are processed in chunks of {@link #maxBatch()} so memory stays bounded. Safe to use from several
 * threads at once (ORT sessions are); close it to free native memory.
 *
 * <pre>{@code
 * try (VaeRuntime rt = VaeRuntime.open(Path.of("bundle"), Device.CPU)) {
 *     float[] samples = rt.sample(16, 1L);
 * }
 * }</pre>
 */
public final class VaeRuntime implements AutoCloseable {
    public static final int DEFAULT_MAX_BATCH = 64;

    private final BundleArchive.Opened opened;
    private final Bundle bundle;
    private final BundleSessions sessions;
    private final int maxBatch;
    private final ImageShape shape;
    private final int latentDim;

    private VaeRuntime(BundleArchive.Opened opened, Device device, int maxBatch) {
        this.opened = opened;
        this.bundle = opened.bundle();
        this.sessions = new BundleSessions(bundle, device);
        this.maxBatch = maxBatch;
        this.shape = bundle.manifest().image().shape();
        this.latentDim = bundle.manifest().latent().dim();
    }

    /**
     * Opens and fully verifies the bundle at {@code path} (a directory, or a {@code .zip} archive that
     * is extracted into a private temporary directory deleted by {@link #close}), with sessions on
     * {@code device}.
     */
    public static VaeRuntime open(Path path, Device device) {
        return open(path, device, DEFAULT_MAX_BATCH);
    }

    public static VaeRuntime open(Path path, Device device, int maxBatch) {
        if (maxBatch < 1) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "batch size must be >= 1, got " + maxBatch);
        }
        BundleArchive.Opened opened = BundleArchive.open(path);
        try {
            return new VaeRuntime(opened, device, maxBatch);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    public Manifest manifest() {
        return bundle.manifest();
    }

    public Bundle bundle() {
        return bundle;
    }

    public ImageShape imageShape() {
        return shape;
    }

    public int latentDim() {
        return latentDim;
    }

    public int maxBatch() {
        return maxBatch;
    }

    /** q(z|x) for {@code n} images. */
    public Posterior encode(float[] images, int n) {
        checkLength("images", images, n, shape.size());
        float[] mu = new float[n * latentDim];
        float[] logvar = new float[n * latentDim];
        for (int from = 0; from < n; from += maxBatch) {
            int b = Math.min(maxBatch, n - from);
            float[] chunk = slice(images, from, b, shape.size());
            float[][] out = GraphRunner.run(sessions.session(GraphRole.ENCODER),
                    List.of(new GraphRunner.Input("x", chunk, shape.batchShape(b))), List.of("mu", "logvar"));
            System.arraycopy(out[0], 0, mu, from * latentDim, b * latentDim);
            System.arraycopy(out[1], 0, logvar, from * latentDim, b * latentDim);
        }
        return new Posterior(mu, logvar, n, latentDim);
    }

    /** x_hat = decoder(z) for {@code n} latent vectors, pixel probabilities / means in [0,1]. */
    public float[] decode(float[] z, int n) {
        checkLength("latents", z, n, latentDim);
        float[] out = new float[n * shape.size()];
        for (int from = 0; from < n; from += maxBatch) {
            int b = Math.min(maxBatch, n - from);
            float[] chunk = slice(z, from, b, latentDim);
            float[][] r = GraphRunner.run(sessions.session(GraphRole.DECODER),
                    List.of(new GraphRunner.Input("z", chunk, new long[] {b, latentDim})), List.of("x_hat"));
            System.arraycopy(r[0], 0, out, from * shape.size(), b * shape.size());
        }
        return out;
    }

    /** Reconstructions from the posterior mean: decoder(mu(x)). */
    public float[] reconstruct(float[] images, int n) {
        return decode(encode(images, n).mu(), n);
    }

    /** {@code n} latent vectors from the prior N(0, I), reproducible by {@code seed}. */
    public float[] priorSamples(int n, long seed) {
        if (n < 1) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "number of samples must be >= 1, got " + n);
        }
        Random r = new Random(seed);
        float[] z = new float[n * latentDim];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) r.nextGaussian();
        }
        return z;
    }

    /** {@code n} images decoded from prior samples (see {@link #priorSamples}). */
    public float[] sample(int n, long seed) {
        return decode(priorSamples(n, seed), n);
    }

    /**
     * {@code steps} images decoded along the straight line between the posterior means of
     * {@code a} and {@code b} (both ends included).
     */
    public float[] interpolate(float[] a, float[] b, int steps) {
        if (steps < 2) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--steps must be >= 2, got " + steps);
        }
        float[] both = new float[2 * shape.size()];
        checkLength("image a", a, 1, shape.size());
        checkLength("image b", b, 1, shape.size());
        System.arraycopy(a, 0, both, 0, shape.size());
        System.arraycopy(b, 0, both, shape.size(), shape.size());
        float[] mu = encode(both, 2).mu();
        float[] z = new float[steps * latentDim];
        for (int s = 0; s < steps; s++) {
            float t = s / (float) (steps - 1);
            for (int d = 0; d < latentDim; d++) {
                z[s * latentDim + d] = (1 - t) * mu[d] + t * mu[latentDim + d];
            }
        }
        return decode(z, steps);
    }

    @Override
    public void close() {
        try {
            sessions.close();
        } finally {
            opened.close();
        }
    }

    private static float[] slice(float[] data, int from, int count, int per) {
        if (from == 0 && count * per == data.length) {
            return data;
        }
        float[] out = new float[count * per];
        System.arraycopy(data, from * per, out, 0, count * per);
        return out;
    }

    private static void checkLength(String what, float[] data, int n, int per) {
        if (n < 1) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "need at least one " + what + ", got n = " + n);
        }
        if (data.length != (long) n * per) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, what + ": " + data.length + " values, expected "
                    + n + " x " + per + " = " + (long) n * per);
        }
    }
}
