package dev.vaeforge.runtime.bundle;

import java.util.Locale;
import java.util.Optional;

/**
 * The graphs of a bundle, by the role they play; the file is {@code <role>.onnx}. A bundle holds
 * whichever of them its manifest lists; what the runtime can do follows from the roles present and
 * their tensors' roles ({@link TensorRole}), never from the family label.
 */
public enum GraphRole {
    ENCODER, DECODER, QUANTIZER, DISCRIMINATOR,
    /**
     * A latent of several levels: the top-down network, the latent of one level -> the conditional prior
     * (prior-mean, prior-logvar) of the level below.
     */
    TOP_DOWN,
    /**
     * A flow posterior's invertible steps: (z_0 ~ q_0(z|x) [N, D], the encoder's posterior context [N, C])
     * -> (z_K [N, D], log |det dz_K/dz_0| [N]), so that log q_K(z_K|x) = log q_0(z_0|x) - log det.
     */
    POSTERIOR_FLOW,
    /** A learned prior's sampler: noise z* ~ N(0, I) -> latent samples z (manifest prior type "graphs"). */
    PRIOR_SAMPLE,
    /** A learned prior's density: latent z -> log p(z) (manifest prior type "graphs"). */
    PRIOR_LOG_PROB;

    /** The key in manifest.json's "graphs" object. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String fileName() {
        return key() + ".onnx";
    }

    /** The role whose {@link #key()} is {@code key}, if any. */
    public static Optional<GraphRole> fromKey(String key) {
        for (GraphRole r : values()) {
            if (r.key().equals(key)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
