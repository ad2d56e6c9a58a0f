package dev.vaeforge.trainer.vaegan;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.family.Family;
import dev.vaeforge.trainer.family.FamilyContext;
import dev.vaeforge.trainer.family.FamilyParameter;
import dev.vaeforge.trainer.family.FamilyParameter.Type;
import dev.vaeforge.trainer.family.ParameterValues;
import dev.vaeforge.trainer.family.Parameters;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.train.LossTotals;
import dev.vaeforge.trainer.train.TrainingSession;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * VAE-GAN: {@link VaeGan}'s three networks (encoder, decoder, discriminator), each with its own loss
 * ({@link VaeGanLoss}) and optimiser. Logs the discriminator's and the decoder's adversarial losses and
 * how often the equilibrium rule let each side train.
 */
public final class VaeGanFamily implements Family<VaeGanConfig> {
    private static final List<FamilyParameter> PARAMETERS = List.of(
            FamilyParameter.of("disc-widths", Type.INTEGERS, "W", "vaegan: channel widths of the discriminator's 4x4 "
                    + "stride-2 stages.", "the encoder's {widths}"),
            FamilyParameter.of("feature-layer", Type.INTEGER, "L", "vaegan: the discriminator stage (1-based) whose "
                    + "output is the feature space of the reconstruction loss.", "the last stage"),
            FamilyParameter.of("gan-gamma", Type.NUMBER, "G", "vaegan: weight gamma (>= 0) of the feature "
                    + "reconstruction in the decoder's loss, against its adversarial term.", "0.01"),
            FamilyParameter.of("no-balance", Type.SWITCH, null, "vaegan: update the discriminator and the decoder "
                    + "every step, even when one side wins by more than {balance-margin}.", null),
            FamilyParameter.of("equilibrium", Type.NUMBER, "NATS", "vaegan: the discriminator loss (nats, on real "
                    + "and on generated images) the balancing rule centres on (> 0).", "0.68"),
            FamilyParameter.of("balance-margin", Type.NUMBER, "NATS", "vaegan: skip the discriminator's update "
                    + "while its loss is below equilibrium - margin, the decoder's while above equilibrium + margin "
                    + "(> 0).", "0.35"));

    @Override
    public String id() {
        return VaeGanConfig.FAMILY;
    }

    @Override
    public String summary() {
        return "VAE-GAN (Larsen et al. 2016): encoder, decoder and discriminator trained against each other";
    }

    @Override
    public Class<VaeGanConfig> configType() {
        return VaeGanConfig.class;
    }

    @Override
    public List<FamilyParameter> parameters() {
        return PARAMETERS;
    }

    @Override
    public void check(ParameterValues v) {
        Parameters.nonNegative(v, "gan-gamma");
        if (v.isSet("no-balance") && (v.given("equilibrium") || v.given("balance-margin"))) {
            String rule = v.given("equilibrium") ? "equilibrium" : "balance-margin";
            throw VaeforgeException.badParameter(rule + " sets the balancing rule, which no-balance turns off; give "
                    + "one or the other", rule, "no-balance");
        }
    }

    @Override
    public VaeGanConfig configure(Architecture architecture, ParameterValues v, FamilyContext context) {
        check(v);
        try {
            return new VaeGanConfig(architecture, v.integers("disc-widths"), v.integer("feature-layer"),
                    v.number("gan-gamma"), !v.isSet("no-balance"), v.number("equilibrium"), v.number("balance-margin"));
        } catch (IllegalArgumentException e) {
            // name the parameter where the record's message does not start with it
            String m = e.getMessage();
            String p = m.startsWith("disc-widths") || m.startsWith("each disc-width") ? "disc-widths"
                    : m.startsWith("feature-layer") ? "feature-layer"
                    : m.startsWith("equilibrium") ? "equilibrium"
                    : m.startsWith("balance-margin") ? "balance-margin"
                    : m.contains("discriminator stages") ? "disc-widths" : null;
            if (p == null || m.startsWith(p)) {
                throw Parameters.invalid(id(), e);
            }
            throw VaeforgeException.badParameter("model " + id() + ": " + p + ": " + m, "model", p);
        }
    }

    @Override
    public NDArray decodePrior(VaeGanConfig config, Block block, NDArray z) {
        return ((VaeGan) block).decodeImages(z);
    }

    @Override
    public Block newBlock(VaeGanConfig config) {
        return new VaeGan(config);
    }

    @Override
    public Objective objective(VaeGanConfig config) {
        return new VaeGanLoss(config);
    }

    @Override
    public List<String> networks(VaeGanConfig config) {
        return VaeGanLoss.NETWORKS;
    }

    @Override
    public List<String> metricColumns(VaeGanConfig config) {
        return EpochMetrics.columns(List.of(), config.latentDim(), new ArrayList<>(extraColumns(Map.of(), Map.of()).keySet()));
    }

    @Override
    public EpochMetrics epochMetrics(VaeGanConfig config, EpochMetrics metrics, LossTotals train, LossTotals test) {
        return metrics.withExtras(extraColumns(train.meanExtras(), test.meanExtras()));
    }

    /**
     * The further metrics columns, in CSV order, with the epoch's values where given: train and test means
     * of {@link VaeGanLoss#EXTRAS} ("trainDiscLoss", "testDiscLoss", ...), then the share of steps that
     * updated the decoder and the discriminator (the equilibrium rule's effect).
     */
    private static Map<String, Double> extraColumns(Map<String, Double> train, Map<String, Double> test) {
        Map<String, Double> c = new LinkedHashMap<>();
        for (String e : VaeGanLoss.EXTRAS) {
            String cap = e.substring(0, 1).toUpperCase(Locale.ROOT) + e.substring(1);
            c.put("train" + cap, train.getOrDefault(e, Double.NaN));
            c.put("test" + cap, test.getOrDefault(e, Double.NaN));
        }
        c.put("decoderUpdateRate", train.getOrDefault("decoder" + TrainingSession.UPDATED, Double.NaN));
        c.put("discriminatorUpdateRate", train.getOrDefault("discriminator" + TrainingSession.UPDATED, Double.NaN));
        return c;
    }

    @Override
    public List<String> termLabels() {
        return List.of("feature recon", "KL");
    }

    @Override
    public Map<String, String> summary(EpochMetrics last) {
        Map<String, String> lines = new LinkedHashMap<>();
        Map<String, Double> x = last.extras();
        if (x != null && x.containsKey("testPixelRecon")) {
            lines.put("adversarial", String.format(Locale.ROOT, "test pixel recon %.4f nats/image, discriminator loss "
                            + "%.4f (real %.4f, generated %.4f); last epoch updated the decoder in %.0f%%, the "
                            + "discriminator in %.0f%% of its steps", x.get("testPixelRecon"), x.get("testDiscLoss"),
                    x.get("testDiscReal"), x.get("testDiscFake"), 100 * x.get("decoderUpdateRate"),
                    100 * x.get("discriminatorUpdateRate")));
        }
        return lines;
    }
}
