package dev.vaeforge.trainer.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.vaeforge.runtime.bundle.ModelFamily;
import dev.vaeforge.runtime.data.ImageShape;

/**
 * The architecture and loss settings of one model family. Records that validate in their
 * constructor; the JSON form carries the family name in the "family" field.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "family")
@JsonSubTypes({@JsonSubTypes.Type(value = VaeConfig.class, name = "vae"),
        @JsonSubTypes.Type(value = BetaVaeConfig.class, name = "beta-vae"),
        @JsonSubTypes.Type(value = CapacityVaeConfig.class, name = "capacity-vae"),
        @JsonSubTypes.Type(value = CvaeConfig.class, name = "cvae"),
        @JsonSubTypes.Type(value = VqVaeConfig.class, name = "vqvae"),
        @JsonSubTypes.Type(value = VaeGanConfig.class, name = "vaegan")})
public sealed interface ModelConfig permits VaeConfig, BetaVaeConfig, CapacityVaeConfig, CvaeConfig, VqVaeConfig,
        VaeGanConfig {

    /**
     * The family, for exhaustive {@code switch} expressions (Java 17 has no pattern switch over
     * sealed types; the enum gives the same compile-time exhaustiveness). Each record returns a
     * constant, so casting to the family's record after the switch is safe.
     */
    @JsonIgnore
    ModelFamily family();

    @JsonIgnore
    ImageShape imageShape();

    Likelihood likelihood();
}
