package dev.vaeforge.runtime;

import dev.vaeforge.runtime.bundle.Bundle;
import dev.vaeforge.runtime.bundle.BundleArchive;
import dev.vaeforge.runtime.bundle.BundleReader;
import dev.vaeforge.runtime.bundle.CodePrior;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.condition.Condition;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.ops.GraphRunner;
import dev.vaeforge.runtime.ops.Posterior;
import dev.vaeforge.runtime.session.BundleSessions;
import dev.vaeforge.runtime.session.Device;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.session.Sessions;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The runtime's entry point: a verified bundle with one ONNX Runtime session per graph, and batched
 * encode / decode / reconstruct / sample / interpolate. Images are float NCHW in [0,1]. A conditional
 * bundle (cvae) takes a condition y[N, A] next to the images or latents ({@link #condition()} says
 * what its columns mean; {@link Condition} builds one from a label or attribute names). Large inputs
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
    private final ConditionSpec condition;
    /** vqvae: values per latent item, D * h * w; the others: D. */
    private final int latentSize;
    private final CodePrior codePrior;
    private volatile float[] codebook;

    /** How a vqvae bundle's codes are drawn for sampling. */
    public enum CodeSampling {
        /** Each position's code uniform over the K codes (the baseline). */
        UNIFORM,
        /** Each position's code from its distribution on the training set, fitted at export (code_prior.json). */
        EMPIRICAL;

        /** "uniform" or "empirical", as the CLI spells it. */
        public static CodeSampling parse(String s) {
            for (CodeSampling c : values()) {
                if (c.name().equalsIgnoreCase(s == null ? "" : s.strip())) {
                    return c;
                }
            }
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--prior: unknown prior '" + s
                    + "', expected uniform or empirical");
        }
    }

    /** The code grids of a vqvae bundle: indices [n, h, w] and their codebook vectors z_q [n, D, h, w]. */
    public record Codes(long[] indices, float[] zq, int n) {
    }

    private VaeRuntime(BundleArchive.Opened opened, Device device, int maxBatch) {
        this.opened = opened;
        this.bundle = opened.bundle();
        this.sessions = new BundleSessions(bundle, device);
        this.maxBatch = maxBatch;
        this.shape = bundle.manifest().image().shape();
        this.latentDim = bundle.manifest().latent().dim();
        this.condition = bundle.family().conditional() ? ConditionSpec.of(bundle.manifest().conditioning()) : null;
        Manifest.Latent l = bundle.manifest().latent();
        this.latentSize = bundle.family().quantized() ? latentDim * l.height() * l.width() : latentDim;
        Manifest.Prior p = bundle.manifest().prior();
        this.codePrior = Manifest.Prior.CODES_EMPIRICAL.equals(p.type())
                ? Json.read(bundle.directory().resolve(p.file()), CodePrior.class, VaeforgeException.Code.BAD_BUNDLE) : null;
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

    /** The condition input of a conditional bundle (cvae), empty for the others. */
    public Optional<ConditionSpec> condition() {
        return Optional.ofNullable(condition);
    }

    /** q(z|x) for {@code n} images of an unconditional bundle. */
    public Posterior encode(float[] images, int n) {
        return encode(images, null, n);
    }

    /**
     * q(z|x, y) for {@code n} images.
     *
     * @param y the conditions, [n, A] row-major, for a conditional bundle; null for the others
     */
    public Posterior encode(float[] images, float[] y, int n) {
        if (quantized()) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "this vqvae bundle has no posterior q(z|x) and"
                    + " no continuous latent to interpolate; use reconstruct, sample or codes");
        }
        checkLength("images", images, n, shape.size());
        checkCondition(y, n);
        float[] mu = new float[n * latentDim];
        float[] logvar = new float[n * latentDim];
        for (int from = 0; from < n; from += maxBatch) {
            int b = Math.min(maxBatch, n - from);
            List<GraphRunner.Input> in = new ArrayList<>();
            in.add(new GraphRunner.Input("x", slice(images, from, b, shape.size()), shape.batchShape(b)));
            addCondition(in, y, from, b);
            float[][] out = GraphRunner.run(sessions.session(GraphRole.ENCODER), in, List.of("mu", "logvar"));
            System.arraycopy(out[0], 0, mu, from * latentDim, b * latentDim);
            System.arraycopy(out[1], 0, logvar, from * latentDim, b * latentDim);
        }
        return new Posterior(mu, logvar, n, latentDim);
    }

    /** x_hat = decoder(z) for {@code n} latent vectors, pixel probabilities / means in [0,1]. */
    public float[] decode(float[] z, int n) {
        return decode(z, null, n);
    }

    /**
     * x_hat = decoder(z, y) for {@code n} latent vectors.
     *
     * @param y the conditions, [n, A] row-major, for a conditional bundle; null for the others
     */
    public float[] decode(float[] z, float[] y, int n) {
        checkLength("latents", z, n, latentSize);
        checkCondition(y, n);
        float[] out = new float[n * shape.size()];
        for (int from = 0; from < n; from += maxBatch) {
            int b = Math.min(maxBatch, n - from);
            List<GraphRunner.Input> in = new ArrayList<>();
            in.add(quantized()
                    ? new GraphRunner.Input("z_q", slice(z, from, b, latentSize), gridShape(b))
                    : new GraphRunner.Input("z", slice(z, from, b, latentDim), new long[] {b, latentDim}));
            addCondition(in, y, from, b);
            float[][] r = GraphRunner.run(sessions.session(GraphRole.DECODER), in, List.of("x_hat"));
            System.arraycopy(r[0], 0, out, from * shape.size(), b * shape.size());
        }
        return out;
    }

    /** Reconstructions from the posterior mean: decoder(mu(x)). */
    public float[] reconstruct(float[] images, int n) {
        return reconstruct(images, null, n);
    }

    /** Reconstructions from the posterior mean with each image's own condition: decoder(mu(x, y), y). */
    public float[] reconstruct(float[] images, float[] y, int n) {
        if (quantized()) {
            checkCondition(y, n);
            return decode(quantize(encodeGrid(images, n), n).zq(), n);
        }
        return decode(encode(images, y, n).mu(), y, n);
    }

    /** A discriminator's verdict on a batch: logit[n] of "real image" and the feature map of each image. */
    public record Verdict(float[] logits, float[] features, long[] featureShape, int n) {
        /** sigmoid(logit) of image i: the discriminator's probability that it is a real image. */
        public double realProbability(int i) {
            return 1 / (1 + Math.exp(-logits[i]));
        }
    }

    /** Whether the bundle has a discriminator graph (vaegan). */
    public boolean hasDiscriminator() {
        return bundle.family().graphs().contains(GraphRole.DISCRIMINATOR);
    }

    /**
     * vaegan: the discriminator on {@code n} images in [0,1]: its logit of each being a real image, and the
     * feature map Dis_l the model's reconstruction loss was measured in (per image [F, h, w]).
     */
    public Verdict discriminate(float[] images, int n) {
        if (!hasDiscriminator()) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "discriminate applies to bundles with a"
                    + " discriminator graph (vaegan); this one is " + bundle.family().id());
        }
        checkLength("images", images, n, shape.size());
        long[] fs = bundle.manifest().graphs().get(GraphRole.DISCRIMINATOR.key()).outputs().get(1).shape();
        int per = (int) (fs[1] * fs[2] * fs[3]);
        float[] logits = new float[n];
        float[] features = new float[n * per];
        for (int from = 0; from < n; from += maxBatch) {
            int b = Math.min(maxBatch, n - from);
            float[][] r = GraphRunner.run(sessions.session(GraphRole.DISCRIMINATOR),
                    List.of(new GraphRunner.Input("x", slice(images, from, b, shape.size()), shape.batchShape(b))),
                    List.of("logit", "features"));
            System.arraycopy(r[0], 0, logits, from, b);
            System.arraycopy(r[1], 0, features, from * per, b * per);
        }
        return new Verdict(logits, features, new long[] {fs[1], fs[2], fs[3]}, n);
    }

    /** Whether this is a vqvae bundle (grid of codes; {@link #encodeGrid}, {@link #quantize}, {@link #decodeCodes}). */
    public boolean quantized() {
        return bundle.family().quantized();
    }

    /** vqvae: the encoder's z_e [n, D, h, w] for {@code n} images. */
    public float[] encodeGrid(float[] images, int n) {
        requireQuantized("encodeGrid");
        checkLength("images", images, n, shape.size());
        float[] out = new float[n * latentSize];
        for (int from = 0; from < n; from += maxBatch) {
            int b = Math.min(maxBatch, n - from);
            float[][] r = GraphRunner.run(sessions.session(GraphRole.ENCODER),
                    List.of(new GraphRunner.Input("x", slice(images, from, b, shape.size()), shape.batchShape(b))),
                    List.of("z_e"));
            System.arraycopy(r[0], 0, out, from * latentSize, b * latentSize);
        }
        return out;
    }

    /** vqvae: the quantizer graph on z_e [n, D, h, w]: the nearest code of every position and its vector. */
    public Codes quantize(float[] ze, int n) {
        requireQuantized("quantize");
        checkLength("z_e", ze, n, latentSize);
        int positions = latentSize / latentDim;
        long[] indices = new long[n * positions];
        float[] zq = new float[n * latentSize];
        for (int from = 0; from < n; from += maxBatch) {
            int b = Math.min(maxBatch, n - from);
            try (OnnxTensor in = OnnxTensor.createTensor(Sessions.environment(),
                    FloatBuffer.wrap(slice(ze, from, b, latentSize)), gridShape(b));
                 OrtSession.Result r = sessions.session(GraphRole.QUANTIZER).run(Map.of("z_e", in), Set.of("indices", "z_q"))) {
                LongBuffer lb = ((OnnxTensor) r.get("indices").orElseThrow()).getLongBuffer();
                lb.get(indices, from * positions, b * positions);
                FloatBuffer fb = ((OnnxTensor) r.get("z_q").orElseThrow()).getFloatBuffer();
                fb.get(zq, from * latentSize, b * latentSize);
            } catch (OrtException e) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, "ONNX Runtime failed: " + e.getMessage(), e);
            }
        }
        return new Codes(indices, zq, n);
    }

    /**
     * vqvae: the codebook [K, D], row-major, read from the quantizer graph's {@code codebook} output
     * (the graph's initializer; no other file holds it).
     */
    public float[] codebook() {
        requireQuantized("codebook");
        float[] c = codebook;
        if (c == null) {
            try (OnnxTensor in = OnnxTensor.createTensor(Sessions.environment(), FloatBuffer.wrap(new float[latentSize]),
                    gridShape(1));
                 OrtSession.Result r = sessions.session(GraphRole.QUANTIZER).run(Map.of("z_e", in), Set.of("codebook"))) {
                FloatBuffer fb = ((OnnxTensor) r.get("codebook").orElseThrow()).getFloatBuffer();
                c = new float[fb.remaining()];
                fb.get(c);
            } catch (OrtException e) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, "ONNX Runtime failed: " + e.getMessage(), e);
            }
            codebook = c;
        }
        return c.clone();
    }

    /** vqvae: images decoded from code grids [n, h, w] (each index in 0..K-1). */
    public float[] decodeCodes(long[] indices, int n) {
        requireQuantized("decodeCodes");
        int positions = latentSize / latentDim;
        int k = manifest().latent().codebookSize();
        if (indices.length != (long) n * positions) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "codes: " + indices.length + " values, expected "
                    + n + " x " + positions);
        }
        float[] book = codebook == null ? codebook() : codebook;
        float[] zq = new float[n * latentSize];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < positions; p++) {
                long code = indices[i * positions + p];
                if (code < 0 || code >= k) {
                    throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "code " + code + " is outside 0.." + (k - 1));
                }
                for (int d = 0; d < latentDim; d++) {
                    // z_q[i, d, p] = e[code, d]
                    zq[i * latentSize + d * positions + p] = book[(int) code * latentDim + d];
                }
            }
        }
        return decode(zq, n);
    }

    /** vqvae: {@code n} code grids [n, h, w] from the chosen prior, reproducible by {@code seed}. */
    public long[] sampleCodes(int n, long seed, CodeSampling prior) {
        requireQuantized("sampleCodes");
        if (n < 1) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "number of samples must be >= 1, got " + n);
        }
        Random r = new Random(seed);
        if (prior == CodeSampling.EMPIRICAL) {
            if (codePrior == null) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "this bundle has no empirical code prior"
                        + " (prior " + manifest().prior().type() + "); use --prior uniform");
            }
            return codePrior.sample(n, r);
        }
        int k = manifest().latent().codebookSize();
        long[] out = new long[n * (latentSize / latentDim)];
        for (int i = 0; i < out.length; i++) {
            out[i] = r.nextInt(k);
        }
        return out;
    }

    /** vqvae: the prior {@link #sample(int, long)} uses: empirical when the bundle has one, else uniform. */
    public CodeSampling defaultCodeSampling() {
        return codePrior != null ? CodeSampling.EMPIRICAL : CodeSampling.UNIFORM;
    }

    /** vqvae: {@code n} images decoded from codes drawn from {@code prior}. */
    public float[] sample(int n, long seed, CodeSampling prior) {
        return decodeCodes(sampleCodes(n, seed, prior), n);
    }

    private long[] gridShape(int b) {
        Manifest.Latent l = manifest().latent();
        return new long[] {b, latentDim, l.height(), l.width()};
    }

    private void requireQuantized(String what) {
        if (!quantized()) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, what + " applies to vqvae bundles; this one is "
                    + bundle.family().id());
        }
    }

    /** {@code n} latent vectors from the prior N(0, I), reproducible by {@code seed}. */
    public float[] priorSamples(int n, long seed) {
        if (quantized()) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "a vqvae bundle has no Gaussian prior; sample codes"
                    + " with sampleCodes");
        }
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
        return quantized() ? sample(n, seed, defaultCodeSampling()) : decode(priorSamples(n, seed), n);
    }

    /**
     * {@code n} images decoded from prior samples with the given conditions; the latent draws are the
     * same as {@link #sample(int, long)}'s for the same seed, so only y changes between two calls.
     *
     * @param y [n, A] row-major (see {@link Condition#repeat}); null for an unconditional bundle
     */
    public float[] sample(int n, long seed, float[] y) {
        if (quantized()) {
            checkCondition(y, n);
            return sample(n, seed);
        }
        return decode(priorSamples(n, seed), y, n);
    }

    /**
     * {@code steps} images decoded along the straight line between the posterior means of
     * {@code a} and {@code b} (both ends included).
     */
    public float[] interpolate(float[] a, float[] b, int steps) {
        return interpolate(a, b, steps, null);
    }

    /**
     * As {@link #interpolate(float[], float[], int)} with one condition for both images and every step.
     *
     * @param y one condition vector [A] for a conditional bundle; null for the others
     */
    public float[] interpolate(float[] a, float[] b, int steps, float[] y) {
        if (steps < 2) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--steps must be >= 2, got " + steps);
        }
        float[] both = new float[2 * shape.size()];
        checkLength("image a", a, 1, shape.size());
        checkLength("image b", b, 1, shape.size());
        checkCondition(y, 1);
        System.arraycopy(a, 0, both, 0, shape.size());
        System.arraycopy(b, 0, both, shape.size(), shape.size());
        float[] mu = encode(both, repeat(y, 2), 2).mu();
        float[] z = new float[steps * latentDim];
        for (int s = 0; s < steps; s++) {
            float t = s / (float) (steps - 1);
            for (int d = 0; d < latentDim; d++) {
                z[s * latentDim + d] = (1 - t) * mu[d] + t * mu[latentDim + d];
            }
        }
        return decode(z, repeat(y, steps), steps);
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

    private void checkCondition(float[] y, int n) {
        if (condition == null) {
            if (y != null) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "this " + bundle.family().id()
                        + " bundle takes no condition; a condition (label or attributes) applies to cvae bundles only");
            }
            return;
        }
        if (y == null) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "this " + bundle.family().id()
                    + " bundle is conditioned on " + condition.describe() + "; give a condition for every image");
        }
        checkLength("conditions", y, n, condition.dim());
    }

    private void addCondition(List<GraphRunner.Input> in, float[] y, int from, int count) {
        if (y != null) {
            in.add(new GraphRunner.Input(BundleReader.Y_INPUT, slice(y, from, count, condition.dim()),
                    new long[] {count, condition.dim()}));
        }
    }

    private static float[] repeat(float[] y, int n) {
        if (y == null) {
            return null;
        }
        float[] out = new float[n * y.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(y, 0, out, i * y.length, y.length);
        }
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
