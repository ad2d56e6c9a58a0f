package dev.vaeforge.trainer.capacityvae;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.family.Family;
import dev.vaeforge.trainer.family.FamilyContext;
import dev.vaeforge.trainer.family.FamilyParameter;
import dev.vaeforge.trainer.family.FamilyParameter.Type;
import dev.vaeforge.trainer.family.ParameterValues;
import dev.vaeforge.trainer.family.Parameters;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.model.Span;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.vae.ConvVae;
import java.util.List;

/** Capacity-controlled beta-VAE: the plain VAE's block with {@link CapacityLoss}; logs C per epoch. */
public final class CapacityVaeFamily implements Family<CapacityVaeConfig> {
    private static final List<FamilyParameter> PARAMETERS = List.of(
            FamilyParameter.of("gamma", Type.NUMBER, "G", "capacity-vae: weight gamma (>= 0) of |KL - C|.", "1000"),
            FamilyParameter.of("capacity-max", Type.NUMBER, "NATS", "capacity-vae: C_max (>= 0), the capacity C rises "
                    + "to.", "25"),
            FamilyParameter.of("capacity-span", Type.TEXT, "SPAN", "capacity-vae: how long C takes to rise from 0 to "
                    + "C_max: N steps or N epochs, e.g. 100000steps or 10epochs.", "the whole run ({epochs} epochs)"));

    @Override
    public String id() {
        return CapacityVaeConfig.FAMILY;
    }

    @Override
    public String summary() {
        return "capacity-controlled beta-VAE (Burgess et al. 2018): recon + gamma * |KL - C_t|";
    }

    @Override
    public Class<CapacityVaeConfig> configType() {
        return CapacityVaeConfig.class;
    }

    @Override
    public List<FamilyParameter> parameters() {
        return PARAMETERS;
    }

    @Override
    public void check(ParameterValues v) {
        Parameters.nonNegative(v, "gamma");
        Parameters.nonNegative(v, "capacity-max");
        Parameters.span(v, "capacity-span");
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
    public CapacityVaeConfig configure(Architecture architecture, ParameterValues v, FamilyContext context) {
        check(v);
        Span span = Parameters.span(v, "capacity-span");
        try {
            return new CapacityVaeConfig(architecture, v.number("gamma"), v.number("capacity-max"),
                    span == null ? Span.ofEpochs(context.epochs()) : span);
        } catch (IllegalArgumentException e) {
            throw Parameters.invalid(id(), e);
        }
    }

    @Override
    public NDArray decodePrior(CapacityVaeConfig config, Block block, NDArray z) {
        return ((ConvVae) block).decodePriorDraws(z);
    }

    @Override
    public Block newBlock(CapacityVaeConfig config) {
        return new ConvVae(config.architecture());
    }

    @Override
    public Objective objective(CapacityVaeConfig config) {
        return new CapacityLoss(config);
    }

    @Override
    public List<String> metricColumns(CapacityVaeConfig config) {
        return EpochMetrics.columns(List.of("capacity"), config.latentDim(), List.of());
    }
}
