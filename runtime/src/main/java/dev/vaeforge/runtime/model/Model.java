package dev.vaeforge.runtime.model;

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
    private final LatentHead latent;
    private final DiscriminatorHead discriminator;
    private final Prior prior;
    private final ConditionSpec condition;

    private Model(ModelSessions sessions, int maxBatch) {
        this.sessions = sessions;
        Manifest m = sessions.manifest();
        this.pixels = PixelMapping.of(m.image());
        Decoder decoder = new Decoder(sessions, pixels, maxBatch);
        this.latent = m.latent().codes() ? new CodeGridHead(sessions, decoder, pixels, maxBatch)
                : new GaussianHead(sessions, decoder, pixels, maxBatch);
        this.discriminator = sessions.has(GraphRole.DISCRIMINATOR) ? new DiscriminatorHead(sessions, pixels, maxBatch) : null;
        this.prior = Priors.of(sessions.bundle());
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

    public LatentHead latent() {
        return latent;
    }

    public Optional<GaussianHead> gaussian() {
        return latent instanceof GaussianHead g ? Optional.of(g) : Optional.empty();
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

    @Override
    public void close() {
        sessions.close();
    }
}
