package dev.vaeforge.trainer.loss;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One batch's loss, by name. Scalars are means over the batch's images, in nats per image. The loop
 * differentiates {@code total} (or, for a family of several networks, each of {@code networks}) and
 * logs the terms: the family says which two are the reconstruction and KL columns of the metrics
 * (usually {@link #RECONSTRUCTION} and {@link #KL}); the others are logged as the family's extras.
 *
 * @param total the family's objective (the negative ELBO for a VAE; recon + beta * KL for a beta-VAE)
 * @param terms scalar batch means by name, in logging order: "reconstruction" (-log p(x|z) summed over
 *     pixels and channels), "kl" (KL(q(z|x) || p(z)) summed over latent dimensions, the true KL before
 *     any free-bits floor), and the family's own terms under names it chooses
 * @param tensors optional non-scalar values by name: {@link #KL_PER_DIM} [D] (KL of each latent dimension,
 *     mean over the batch: dimensions near 0 carry no information), {@link #CODES} [N, h, w] int64 (the
 *     codebook index of every latent position); absent where a family has none
 * @param networks for a family of several networks trained adversarially: each network's own loss (a
 *     scalar) by name, in the order the step differentiates them; every parameter receives the gradient
 *     of its network's loss only. Empty for the families with one objective
 */
public record LossTerms(NDArray total, Map<String, NDArray> terms, Map<String, NDArray> tensors,
                        Map<String, NDArray> networks) {
    public static final String TOTAL = "total";
    public static final String RECONSTRUCTION = "reconstruction";
    public static final String KL = "kl";
    public static final String KL_PER_DIM = "klPerDim";
    public static final String CODES = "codes";

    public LossTerms {
        Objects.requireNonNull(total, "total");
        terms = copy(terms);
        tensors = copy(tensors);
        networks = copy(networks);
    }

    /** A VAE's terms: reconstruction and KL, with the KL per latent dimension where given. */
    public static LossTerms gaussian(NDArray total, NDArray reconstruction, NDArray kl, NDArray klPerDim) {
        Builder b = builder(total).term(RECONSTRUCTION, reconstruction).term(KL, kl);
        return klPerDim == null ? b.build() : b.tensor(KL_PER_DIM, klPerDim).build();
    }

    public static Builder builder(NDArray total) {
        return new Builder(total);
    }

    /**
     * The scalar term {@code name}.
     *
     * @throws IllegalArgumentException naming the terms there are
     */
    public NDArray term(String name) {
        NDArray t = terms.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no loss term '" + name + "'; the terms are " + terms.keySet());
        }
        return t;
    }

    /** The optional tensor {@code name}, or null. */
    public NDArray tensor(String name) {
        return tensors.get(name);
    }

    private static Map<String, NDArray> copy(Map<String, NDArray> m) {
        return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** Collects named terms in order. */
    public static final class Builder {
        private final NDArray total;
        private final Map<String, NDArray> terms = new LinkedHashMap<>();
        private final Map<String, NDArray> tensors = new LinkedHashMap<>();
        private final Map<String, NDArray> networks = new LinkedHashMap<>();

        private Builder(NDArray total) {
            this.total = total;
        }

        public Builder term(String name, NDArray value) {
            terms.put(name, Objects.requireNonNull(value, name));
            return this;
        }

        public Builder tensor(String name, NDArray value) {
            tensors.put(name, Objects.requireNonNull(value, name));
            return this;
        }

        public Builder network(String name, NDArray loss) {
            networks.put(name, Objects.requireNonNull(loss, name));
            return this;
        }

        public LossTerms build() {
            return new LossTerms(total, terms, tensors, networks);
        }
    }
}
