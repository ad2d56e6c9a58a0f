package dev.vaeforge.runtime.model;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.Bundle;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.runtime.session.Device;
import java.util.Optional;

/**
 * A bundle's graphs as a model: sessions by role, the latent head its latent kind asks for, a
 * discriminator head where the bundle has that graph, its prior and its condition. Everything is read
 * from the manifest's graph roles, tensor roles, latent and prior; the family label is not consulted.
 */
public final class Model implements AutoCloseable {
    private final ModelSessions sessions;
    private final PixelMapping pixels;
    private final Decoder decoder;
    private final LatentHead latent;
    private final DiscriminatorHead discriminator;
    private final Prior prior;
    private final ConditionSpec condition;

    private Model(ModelSessions sessions, int maxBatch) {
        this.sessions = sessions;
        Manifest m = sessions.manifest();
        this.pixels = PixelMapping.of(m.image());
        this.decoder = new Decoder(sessions, pixels, maxBatch);
        this.latent = m.latent().codes() ? new CodeGridHead(sessions, decoder, pixels, maxBatch)
                : m.latent().hierarchical() ? new LevelsHead(sessions, decoder, pixels, maxBatch)
                : new GaussianHead(sessions, decoder, pixels, maxBatch);
        this.discriminator = sessions.has(GraphRole.DISCRIMINATOR) ? new DiscriminatorHead(sessions, pixels, maxBatch) : null;
        this.prior = Priors.of(sessions, maxBatch);
        this.condition = m.conditioning() == null ? null : ConditionSpec.of(m.conditioning());
    }

    /** Sessions for every graph of {@code bundle} on {@code device}, each chunked to at most {@code maxBatch} items. */
    public static Model open(Bundle bundle, Device device, int maxBatch) {
        ModelSessions sessions = new ModelSessions(bundle, device);
        try {
            return new Model(sessions, maxBatch);
        } catch (RuntimeException e) {
            sessions.close();
            throw e;
        }
    }

    public ModelSessions sessions() {
        return sessions;
    }

    public PixelMapping pixels() {
        return pixels;
    }

    /** The decoder graph: latents (a code grid's quantised z_q) to images. */
    public Decoder decoder() {
        return decoder;
    }

    public LatentHead latent() {
        return latent;
    }

    public Optional<GaussianHead> gaussian() {
        return latent instanceof GaussianHead g ? Optional.of(g) : Optional.empty();
    }

    /** The head of a latent of several levels, if the bundle has one. */
    public Optional<LevelsHead> levels() {
        return latent instanceof LevelsHead l ? Optional.of(l) : Optional.empty();
    }

    public Optional<CodeGridHead> codes() {
        return latent instanceof CodeGridHead c ? Optional.of(c) : Optional.empty();
    }

    public Optional<DiscriminatorHead> discriminator() {
        return Optional.ofNullable(discriminator);
    }

    /** The bundle's own prior (manifest {@code prior}). */
    public Prior prior() {
        return prior;
    }

    public Optional<ConditionSpec> condition() {
        return Optional.ofNullable(condition);
    }

    /** The Gaussian head, or a BAD_INPUT naming {@code what} needed it. */
    public GaussianHead requireGaussian(String what) {
        if (levels().isPresent()) {
            throw bad(what + " needs a Gaussian latent of one level; this bundle's latent has the levels "
                    + levels().get().levelNames() + ": choose one with level (--level)");
        }
        return gaussian().orElseThrow(() -> bad(what + " needs a Gaussian latent; this bundle's latent is a grid of codes,"
                + " with no posterior q(z|x) and no continuous latent to interpolate; use reconstruct, sample or codes"));
    }

    /** The code-grid head, or a BAD_INPUT naming {@code what} needed it. */
    public CodeGridHead requireCodes(String what) {
        return codes().orElseThrow(() -> bad(what + " applies to bundles whose latent is a grid of codes; this one's is "
                + sessions.manifest().latent().kind()));
    }

    public DiscriminatorHead requireDiscriminator(String what) {
        return discriminator().orElseThrow(() -> bad(what + " applies to bundles with a discriminator graph; this one"
                + " has " + sessions.bundle().roles().stream().map(GraphRole::key).toList()));
    }

    /** The latent head, when the bundle has an encoder to feed it images. */
    public LatentHead requireEncoder() {
        if (!latent.canEncode()) {
            throw bad("this bundle has no encoder graph; it can decode and sample only");
        }
        return latent;
    }

    /**
     * A prior over codes by its {@link Prior#id()}: "uniform" (always available for a code grid) or
     * "empirical" (only where the bundle has a fitted code prior).
     */
    public Prior codePrior(boolean empirical) {
        CodeGridHead c = requireCodes("a code prior");
        if (!empirical) {
            return Priors.uniformCodes(sessions.manifest().latent());
        }
        if (!Manifest.Prior.CODES_EMPIRICAL.equals(prior.type())) {
            throw VaeforgeException.badParameter("prior empirical: this bundle has no fitted code distribution (its"
                    + " manifest says " + prior.type() + " over " + c.codebookSize() + " codes); use uniform", "prior");
        }
        return prior;
    }

    private static VaeforgeException bad(String message) {
        return new VaeforgeException(VaeforgeException.Code.BAD_INPUT, message);
    }

    @Override
    public void close() {
        sessions.close();
    }
}
