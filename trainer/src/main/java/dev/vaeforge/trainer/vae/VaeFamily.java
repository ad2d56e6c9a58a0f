package dev.vaeforge.trainer.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.family.Family;
import dev.vaeforge.trainer.family.FamilyContext;
import dev.vaeforge.trainer.family.ParameterValues;
import dev.vaeforge.trainer.loss.Objective;

/** The plain VAE: {@link ConvVae} trained on the negative ELBO ({@link VaeLoss}); no parameters of its own. */
public final class VaeFamily implements Family<VaeConfig> {
    @Override
    public String id() {
        return VaeConfig.FAMILY;
    }

    @Override
    public String summary() {
        return "convolutional VAE (Kingma & Welling 2014): recon + KL";
    }

    @Override
    public Class<VaeConfig> configType() {
        return VaeConfig.class;
    }

    @Override
    public boolean learnedPrior() {
        return true;
    }

    @Override
    public boolean flowPosterior() {
        return true;
    }

    @Override
    public VaeConfig configure(Architecture architecture, ParameterValues values, FamilyContext context) {
        return new VaeConfig(architecture);
    }

    @Override
    public NDArray decodePrior(VaeConfig config, Block block, NDArray z) {
        return ((ConvVae) block).decodePriorDraws(z);
    }

    @Override
    public Block newBlock(VaeConfig config) {
        return new ConvVae(config);
    }

    @Override
    public Objective objective(VaeConfig config) {
        return VaeLoss.of(config);
    }
}
