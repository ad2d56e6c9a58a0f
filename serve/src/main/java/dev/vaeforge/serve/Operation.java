package dev.vaeforge.serve;

import java.util.Locale;
import java.util.Optional;

/**
 * What a served bundle can be asked to do. Each operation is one of the model's versions in the Open
 * Inference Protocol ({@code /v2/models/NAME/versions/encode/infer}); see decision 0013.
 */
public enum Operation {
    /** Images (and their conditions) to the latent: posterior mean and log-variance, or code indices. */
    ENCODE,
    /** Latents (or code grids) to images. */
    DECODE,
    /** Images through encoder and decoder by the latent's point estimate. */
    RECONSTRUCT,
    /** Images decoded from prior draws, one per seed. */
    SAMPLE;

    /** The version string: "encode", "decode", "reconstruct", "sample". */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Operation> parse(String version) {
        for (Operation o : values()) {
            if (o.key().equals(version)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }
}
