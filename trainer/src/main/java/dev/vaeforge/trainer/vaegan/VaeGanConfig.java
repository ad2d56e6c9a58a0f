package dev.vaeforge.trainer.vaegan;

import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.model.Likelihood;
import java.util.List;

/**
 * VAE-GAN (Larsen et al. 2016, "Autoencoding beyond pixels using a learned similarity metric"): the
 * plain VAE's encoder and decoder, plus a discriminator whose stage {@code featureLayer} defines the
 * space the reconstruction is measured in. Three networks, three Adam optimisers.
 *
 * <p>Discriminator: per entry of {@code discWidths} a 4x4 stride-2 convolution (padding 1: the DCGAN
 * stage), batch norm except on the first stage, LeakyReLU 0.2; then flatten and a linear layer to one
 * logit. The feature map is the output of stage {@code featureLayer} (1-based).
 *
 * @param discWidths discriminator channel widths, 1..6 stages (the encoder's widths unless given)
 * @param featureLayer the discriminator stage whose output is Dis_l, 1..discWidths.size() (the last
 *     stage unless given)
 * @param gamma weight of the feature reconstruction in the decoder's loss, >= 0 (0.01 unless given;
 *     see docs/FAMILIES.md for why not the paper's value)
 * @param balance whether to skip the discriminator's or the decoder's update when one side wins by
 *     more than {@code margin} (the equilibrium rule of Larsen et al.'s code); true unless given
 * @param equilibrium the discriminator loss (nats, per kind of image) the rule centres on, > 0
 *     (0.68 unless given, about ln 2: a discriminator at chance)
 * @param margin how far a discriminator loss may move from {@code equilibrium} before an update is
 *     skipped, > 0 (0.35 unless given)
 */
public record VaeGanConfig(Architecture architecture, List<Integer> discWidths, Integer featureLayer, Double gamma,
                           Boolean balance, Double equilibrium, Double margin) implements ModelConfig {

    public static final String FAMILY = "vaegan";
    public static final double DEFAULT_GAMMA = 0.01;
    public static final double DEFAULT_EQUILIBRIUM = 0.68;
    public static final double DEFAULT_MARGIN = 0.35;

    public VaeGanConfig {
        java.util.Objects.requireNonNull(architecture, "architecture");
        int imageSize = architecture.imageSize();
        discWidths = discWidths == null ? architecture.widths() : List.copyOf(discWidths);
        if (discWidths.isEmpty() || discWidths.size() > 6) {
            throw new IllegalArgumentException("disc-widths must list 1 to 6 channel counts, got " + discWidths);
        }
        for (int w : discWidths) {
            if (w < 1 || w > 2048) {
                throw new IllegalArgumentException("each disc-width must be in 1..2048, got " + discWidths);
            }
        }
        int factor = 1 << discWidths.size();
        if (imageSize < factor || imageSize % factor != 0) {
            throw new IllegalArgumentException("image size " + imageSize + " must be a multiple of 2^" + discWidths.size()
                    + " = " + factor + " for " + discWidths.size() + " discriminator stages (disc-widths)");
        }
        featureLayer = featureLayer == null ? discWidths.size() : featureLayer;
        if (featureLayer < 1 || featureLayer > discWidths.size()) {
            throw new IllegalArgumentException("feature-layer must be in 1.." + discWidths.size()
                    + " (a discriminator stage), got " + featureLayer);
        }
        gamma = gamma == null ? DEFAULT_GAMMA : gamma;
        if (!(gamma >= 0) || gamma.isInfinite()) {
            throw new IllegalArgumentException("gan-gamma must be a number >= 0, got " + gamma);
        }
        balance = balance == null ? Boolean.TRUE : balance;
        equilibrium = equilibrium == null ? DEFAULT_EQUILIBRIUM : equilibrium;
        if (!(equilibrium > 0) || equilibrium.isInfinite()) {
            throw new IllegalArgumentException("equilibrium must be a positive number (nats), got " + equilibrium);
        }
        margin = margin == null ? DEFAULT_MARGIN : margin;
        if (!(margin > 0) || margin.isInfinite()) {
            throw new IllegalArgumentException("balance-margin must be a positive number (nats), got " + margin);
        }
    }

    /** Channels, height and width of the discriminator's feature map Dis_l for one image. */
    public long[] featureShape() {
        int size = architecture.imageSize() >> featureLayer;
        return new long[] {discWidths.get(featureLayer - 1), size, size};
    }

    @Override
    public String family() {
        return FAMILY;
    }

}
