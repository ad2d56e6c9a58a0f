package dev.vaeforge.runtime;

import dev.vaeforge.runtime.bundle.Bundle;
import dev.vaeforge.runtime.bundle.BundleArchive;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.condition.Condition;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.model.CodeGrid;
import dev.vaeforge.runtime.model.CodeGridHead;
import dev.vaeforge.runtime.model.Discrimination;
import dev.vaeforge.runtime.model.DiscriminatorHead;
import dev.vaeforge.runtime.model.GaussianHead;
import dev.vaeforge.runtime.model.Inputs;
import dev.vaeforge.runtime.model.LatentHead;
import dev.vaeforge.runtime.model.LevelsHead;
import dev.vaeforge.runtime.model.Model;
import dev.vaeforge.runtime.model.Prior;
import dev.vaeforge.runtime.model.Reconstruction;
import dev.vaeforge.runtime.ops.Posterior;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;

/**
 * The runtime's façade over a verified bundle's {@link Model}: batched encode / decode / reconstruct /
 * sample / interpolate on float NCHW images in [0,1]. What a bundle can do follows from its manifest
 * ({@link #hasGaussianLatent()}, {@link #hasCodes()}, {@link #hasDiscriminator()}, {@link #condition()});
 * a method whose capability is missing says so. Inputs go in chunks of {@link #maxBatch()}. Safe to use
 * from several threads at once (ORT sessions are); close it to free native memory.
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
    private final Model model;
    private final int maxBatch;
    private final ImageShape shape;
    /** The level chosen by {@link #selectLevel}; null = the bottom level (or a latent of one level). */
    private String level;

    /** How the codes of a code-grid bundle are drawn for sampling. */
    public enum CodeSampling {
        /** Each position's code uniform over the K codes (the baseline). */
        UNIFORM,
        /** Each position's code from its distribution on the training set, fitted at export (code_prior.json). */
        EMPIRICAL;

        /** "uniform" or "empirical". */
        public static CodeSampling parse(String s) {
            for (CodeSampling c : values()) {
                if (c.name().equalsIgnoreCase(s == null ? "" : s.strip())) {
                    return c;
                }
            }
            throw VaeforgeException.badParameter("prior: unknown prior '" + s + "', expected uniform or empirical", "prior");
        }
    }

    /** Code grids: indices [n, h, w] and their codebook vectors z_q [n, D, h, w]. */
    public record Codes(long[] indices, float[] zq, int n) { }

    /** A discriminator's verdict on a batch: logit[n] of "real image" and the feature map of each image. */
    public record Verdict(float[] logits, float[] features, long[] featureShape, int n) {
        /** sigmoid(logit) of image i: the discriminator's probability that it is a real image. */
        public double realProbability(int i) {
            return 1 / (1 + Math.exp(-logits[i]));
        }
    }

    private VaeRuntime(BundleArchive.Opened opened, Device device, int maxBatch) {
        this.opened = opened;
        this.model = Model.open(opened.bundle(), device, maxBatch);
        this.maxBatch = maxBatch;
        this.shape = opened.bundle().manifest().image().shape();
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
        return model.sessions().manifest();
    }

    public Bundle bundle() {
        return model.sessions().bundle();
    }

    /** The model layer under this façade: heads, prior, sessions by role. */
    public Model model() {
        return model;
    }

    public ImageShape imageShape() {
        return shape;
    }

    /** Values per item of a Gaussian latent (of the {@link #selectLevel selected level}); the code dimension D of a code grid. */
    public int latentDim() {
        if (model.levels().isPresent()) {
            return model.levels().get().size(level());
        }
        return model.codes().map(CodeGridHead::codeDim).orElseGet(() -> model.requireGaussian("latentDim").size());
    }

    /** One item's latent shape without the batch: the selected level's [D] for a latent of several levels. */
    public long[] latentShape() {
        return model.levels().isPresent() ? new long[] {latentDim()} : manifest().latent().shape();
    }

    /** The latent's level names, top first; empty for a latent of one level. */
    public java.util.List<String> levels() {
        return model.levels().map(LevelsHead::levelNames).orElse(java.util.List.of());
    }

    /**
     * Chooses the level that {@link #encode}, {@link #decode}, {@link #priorSamples}, {@link #interpolate} and
     * {@link #latentDim} work at, for a latent of several levels (by default the bottom one, the decoder's);
     * null keeps the default.
     *
     * @throws VaeforgeException BAD_INPUT naming the levels there are, or saying the latent has one level
     */
    public void selectLevel(String name) {
        if (name == null) {
            return;
        }
        if (model.levels().isEmpty()) {
            throw VaeforgeException.badParameter("level " + name + ": this bundle's latent has one level (latent kind "
                    + manifest().latent().kind() + "); level applies to latents of several levels", "level");
        }
        model.levels().get().level(name);
        this.level = name;
    }

    /** The selected level's name (the bottom one unless {@link #selectLevel} chose another); null for one level. */
    public String level() {
        return model.levels().map(h -> level == null ? h.bottomName() : level).orElse(null);
    }

    public int maxBatch() {
        return maxBatch;
    }

    /** The condition input of a conditioned bundle, empty for the others. */
    public Optional<ConditionSpec> condition() {
        return model.condition();
    }

    /** The bundle's own prior: what {@link #sample(int, long)} draws from. */
    public Prior prior() {
        return model.prior();
    }

    /** A Gaussian latent vector or grid, or a latent of several Gaussian levels (worked on a level at a time). */
    public boolean hasGaussianLatent() {
        return model.gaussian().isPresent() || model.levels().isPresent();
    }

    /** Whether the latent is a grid of codes ({@link #encodeGrid}, {@link #quantize}, {@link #decodeCodes}). */
    public boolean hasCodes() {
        return model.codes().isPresent();
    }

    public boolean hasDiscriminator() {
        return model.discriminator().isPresent();
    }

    /** q(z|x) for {@code n} images of an unconditioned bundle. */
    public Posterior encode(float[] images, int n) {
        return encode(images, null, n);
    }

    /** q(z|x, y) for {@code n} images; {@code y} [n, A] row-major for a conditioned bundle, null for the others. */
    public Posterior encode(float[] images, float[] y, int n) {
        if (model.levels().isPresent()) {
            model.requireEncoder();
            Inputs.length("images", images, n, shape.size());
            return model.levels().get().encode(images, n, level());
        }
        GaussianHead g = model.requireGaussian("encode");
        model.requireEncoder();
        Inputs.length("images", images, n, shape.size());
        checkCondition(y, n);
        return g.encode(images, y, n);
    }

    /** x_hat = decoder(z) for {@code n} latents (a code grid's: quantised z_q), pixels in [0,1]. */
    public float[] decode(float[] z, int n) {
        return decode(z, null, n);
    }

    /** x_hat = decoder(z, y) for {@code n} latents; {@code y} [n, A] for a conditioned bundle, null for the others. */
    public float[] decode(float[] z, float[] y, int n) {
        checkCondition(y, n);
        if (model.levels().isPresent()) {
            Inputs.length("latents", z, n, latentDim());
            return model.levels().get().decode(z, n, level());
        }
        Inputs.length("latents", z, n, model.decoder().latentSize());
        return model.decoder().decode(z, y, n);
    }

    /** Reconstructions by the latent head's point estimate (posterior mean, or nearest codes). */
    public float[] reconstruct(float[] images, int n) {
        return reconstruct(images, null, n);
    }

    /** As {@link #reconstruct(float[], int)} with each image's own condition. */
    public float[] reconstruct(float[] images, float[] y, int n) {
        return reconstruction(images, y, n).pixels();
    }

    /** Reconstructions with the posterior or the codes seen on the way (what an evaluation measures). */
    public Reconstruction reconstruction(float[] images, float[] y, int n) {
        LatentHead head = model.requireEncoder();
        Inputs.length("images", images, n, shape.size());
        checkCondition(y, n);
        return head.reconstruct(images, y, n);
    }

    /** The discriminator on {@code n} images in [0,1]: each one's logit of being real, and its feature map. */
    public Verdict discriminate(float[] images, int n) {
        DiscriminatorHead head = model.requireDiscriminator("discriminate");
        Inputs.length("images", images, n, shape.size());
        Discrimination d = head.discriminate(images, n);
        return new Verdict(d.logits(), d.features(), d.featureShape(), d.n());
    }

    /** Code grids: the encoder's z_e [n, D, h, w] for {@code n} images. */
    public float[] encodeGrid(float[] images, int n) {
        model.requireEncoder();
        Inputs.length("images", images, n, shape.size());
        return model.requireCodes("encodeGrid").encodeGrid(images, n);
    }

    /** Code grids: the quantizer graph on z_e [n, D, h, w]: the nearest code of every position and its vector. */
    public Codes quantize(float[] ze, int n) {
        CodeGridHead c = model.requireCodes("quantize");
        Inputs.length("z_e", ze, n, c.gridSize());
        CodeGrid q = c.quantize(ze, n);
        return new Codes(q.indices(), q.zq(), q.n());
    }

    /** Code grids: the codebook [K, D], row-major, from the quantizer graph's codebook output. */
    public float[] codebook() {
        return model.requireCodes("codebook").codebook();
    }

    /** Code grids: images decoded from code grids [n, h, w] (each index in 0..K-1). */
    public float[] decodeCodes(long[] indices, int n) {
        return model.requireCodes("decodeCodes").decodeCodes(indices, n);
    }

    /** Code grids: {@code n} code grids [n, h, w] from the chosen prior, reproducible by {@code seed}. */
    public long[] sampleCodes(int n, long seed, CodeSampling prior) {
        model.requireCodes("sampleCodes");
        Inputs.samples(n);
        return codePrior(prior).sample(n, new Random(seed)).codes();
    }

    /** Code grids: the prior {@link #sample(int, long)} uses: empirical when the bundle has one, else uniform. */
    public CodeSampling defaultCodeSampling() {
        model.requireCodes("defaultCodeSampling");
        return Manifest.Prior.CODES_EMPIRICAL.equals(prior().type()) ? CodeSampling.EMPIRICAL : CodeSampling.UNIFORM;
    }

    /** Code grids: {@code n} images decoded from codes drawn from {@code prior}. */
    public float[] sample(int n, long seed, CodeSampling prior) {
        return decodeCodes(sampleCodes(n, seed, prior), n);
    }

    /** The {@link Prior} a {@link CodeSampling} choice stands for. */
    public Prior codePrior(CodeSampling choice) {
        return model.codePrior(choice == CodeSampling.EMPIRICAL);
    }

    /** {@code n} latents from the bundle's Gaussian prior, reproducible by {@code seed}. */
    public float[] priorSamples(int n, long seed) {
        if (model.levels().isPresent()) {
            Inputs.samples(n);
            return model.levels().get().priorDraws(prior().sample(n, new Random(seed)), level());
        }
        model.requireGaussian("priorSamples");
        Inputs.samples(n);
        return prior().sample(n, new Random(seed)).latents();
    }

    /** {@code n} images decoded from draws of the bundle's prior, reproducible by {@code seed}. */
    public float[] sample(int n, long seed) {
        return sample(n, seed, (float[]) null);
    }

    /**
     * {@code n} images decoded from prior draws with the given conditions; the draws are the same as
     * {@link #sample(int, long)}'s for the same seed, so only y changes between two calls.
     *
     * @param y [n, A] row-major (see {@link Condition#repeat}); null for an unconditioned bundle
     */
    public float[] sample(int n, long seed, float[] y) {
        Inputs.samples(n);
        checkCondition(y, n);
        return decodeDraw(prior().sample(n, new Random(seed)), y);
    }

    /** Images decoded from prior draws (of {@link #prior()} or {@link #codePrior}). */
    public float[] decodeDraw(Prior.Draw draw, float[] y) {
        checkCondition(y, draw.n());
        return model.latent().decode(draw, y);
    }

    /** {@code steps} images decoded along the line between the posterior means of {@code a} and {@code b} (ends included). */
    public float[] interpolate(float[] a, float[] b, int steps) {
        return interpolate(a, b, steps, null);
    }

    /** As {@link #interpolate(float[], float[], int)} with one condition [A] for both images and every step. */
    public float[] interpolate(float[] a, float[] b, int steps, float[] y) {
        if (steps < 2) {
            throw VaeforgeException.badParameter("steps must be >= 2, got " + steps, "steps");
        }
        if (model.levels().isPresent()) {
            model.requireEncoder();
            Inputs.length("image a", a, 1, shape.size());
            Inputs.length("image b", b, 1, shape.size());
            return model.levels().get().interpolate(a, b, steps, level());
        }
        GaussianHead g = model.requireGaussian("interpolate");
        model.requireEncoder();
        Inputs.length("image a", a, 1, shape.size());
        Inputs.length("image b", b, 1, shape.size());
        checkCondition(Inputs.repeat(y, 2), 2);
        return g.interpolate(a, b, steps, y);
    }

    @Override
    public void close() {
        try {
            model.close();
        } finally {
            opened.close();
        }
    }

    private void checkCondition(float[] y, int n) {
        Inputs.condition(model.condition().orElse(null), y, n);
    }
}
