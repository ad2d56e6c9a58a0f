package dev.vaeforge.trainer.iwae;

import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.vae.VaeConfig;
import java.util.List;
import java.util.Locale;

/**
 * An IWAE: the {@link Architecture} of the plain VAE, trained on -log (1/K) sum_k w_k with
 * w_k = p(x|z_k) p(z_k) / q(z_k|x) and K draws z_k ~ q(z|x) per image.
 *
 * @param samples K, the importance samples per image, 1..{@value #MAX_SAMPLES} (5 unless given, as in
 *     Burda et al.'s K = 5 runs)
 * @param estimator the encoder's gradient: "iwae" (the bound's own reparameterised gradient) or "dreg"
 *     (doubly reparameterised, Tucker et al. 2019, which keeps the encoder's signal as K grows)
 */
public record IwaeConfig(Architecture architecture, Integer samples, String estimator) implements ModelConfig {

    public static final String FAMILY = "iwae";
    public static final int DEFAULT_SAMPLES = 5;
    public static final int MAX_SAMPLES = 5000;
    public static final String IWAE = "iwae";
    public static final String DREG = "dreg";
    public static final List<String> ESTIMATORS = List.of(IWAE, DREG);

    public IwaeConfig {
        java.util.Objects.requireNonNull(architecture, "architecture");
        samples = samples == null ? DEFAULT_SAMPLES : samples;
        estimator = estimator == null ? IWAE : estimator.strip().toLowerCase(Locale.ROOT);
        if (samples < 1 || samples > MAX_SAMPLES) {
            throw new IllegalArgumentException("iw-samples must be in 1.." + MAX_SAMPLES + ", got " + samples);
        }
        if (!ESTIMATORS.contains(estimator)) {
            throw new IllegalArgumentException("iw-estimator: unknown estimator '" + estimator
                    + "', expected iwae or dreg");
        }
    }

    @Override
    public String family() {
        return FAMILY;
    }

    /** The plain VAE's config of the same architecture (the block's and the export's). */
    public VaeConfig vae() {
        return new VaeConfig(architecture);
    }

    public boolean dreg() {
        return DREG.equals(estimator);
    }
}
