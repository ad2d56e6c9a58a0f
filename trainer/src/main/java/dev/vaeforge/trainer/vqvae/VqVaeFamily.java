package dev.vaeforge.trainer.vqvae;

import ai.djl.nn.Block;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.family.Family;
import dev.vaeforge.trainer.family.FamilyContext;
import dev.vaeforge.trainer.family.FamilyParameter;
import dev.vaeforge.trainer.family.FamilyParameter.Type;
import dev.vaeforge.trainer.family.ParameterValues;
import dev.vaeforge.trainer.family.Parameters;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.train.LossTotals;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * VQ-VAE: {@link VqVae} with {@link VqVaeLoss}. Its latent is a grid of codes, so it has no KL: the
 * VQ term fills the KL column of the metrics, and the code usage of the test split (perplexity, codes
 * used) is logged per epoch.
 */
public final class VqVaeFamily implements Family<VqVaeConfig> {
    private static final List<FamilyParameter> PARAMETERS = List.of(
            FamilyParameter.of("codebook-size", Type.INTEGER, "K", "vqvae: number of codebook entries, 2..65536.", "64"),
            FamilyParameter.of("code-dim", Type.INTEGER, "D", "vqvae: dimension of each code vector, 1..1024.", "16"),
            FamilyParameter.of("commitment", Type.NUMBER, "BETA_C", "vqvae: weight of the commitment term "
                    + "||z_e - sg[e]||^2 (>= 0).", "0.25"),
            FamilyParameter.of("ema", Type.SWITCH, null, "vqvae: update the codebook by exponential moving averages of "
                    + "its assigned encoder outputs instead of the codebook loss term.", null),
            FamilyParameter.of("ema-decay", Type.NUMBER, "GAMMA", "vqvae, {ema}: decay of the moving averages, in "
                    + "(0, 1).", "0.99"),
            FamilyParameter.of("dead-code-steps", Type.INTEGER, "N", "vqvae: restart a code unused for N training "
                    + "steps from a random encoder output of the batch; 0 = never.", "50"));
    private static final Architecture ANY = new Architecture(1, 2, 1, List.of(1), null, 0);

    @Override
    public String id() {
        return VqVaeConfig.FAMILY;
    }

    @Override
    public String summary() {
        return "VQ-VAE (van den Oord et al. 2017): a grid of codebook entries, recon + codebook + commitment";
    }

    @Override
    public Class<VqVaeConfig> configType() {
        return VqVaeConfig.class;
    }

    @Override
    public List<FamilyParameter> parameters() {
        return PARAMETERS;
    }

    @Override
    public boolean usesLatentDim() {
        return false;
    }

    @Override
    public void check(ParameterValues v) {
        Parameters.nonNegative(v, "commitment");
        if (v.given("ema-decay") && !v.isSet("ema")) {
            throw VaeforgeException.badParameter("ema-decay applies with ema (EMA codebook updates)", "ema-decay", "ema");
        }
        configure(ANY, v);
    }

    @Override
    public VqVaeConfig configure(Architecture architecture, ParameterValues v, FamilyContext context) {
        check(v);
        return configure(architecture, v);
    }

    private VqVaeConfig configure(Architecture architecture, ParameterValues v) {
        try {
            return new VqVaeConfig(architecture, v.integer("codebook-size"), v.integer("code-dim"),
                    v.number("commitment"), v.isSet("ema"), v.number("ema-decay"), null, v.integer("dead-code-steps"));
        } catch (IllegalArgumentException e) {
            throw Parameters.invalid(id(), e);
        }
    }

    @Override
    public Block newBlock(VqVaeConfig config) {
        return new VqVae(config);
    }

    @Override
    public Objective objective(VqVaeConfig config) {
        return new VqVaeLoss(config);
    }

    @Override
    public List<String> loggedTerms() {
        return List.of(LossTerms.RECONSTRUCTION, VqVaeLoss.VQ);
    }

    @Override
    public List<String> metricColumns(VqVaeConfig config) {
        return EpochMetrics.columns(List.of(), 0, EpochMetrics.CODE_COLUMNS);
    }

    @Override
    public void measure(VqVaeConfig config, LossTerms terms, int count, LossTotals totals) {
        totals.addCounts(LossTerms.CODES, terms.tensor(LossTerms.CODES).toLongArray(), config.codebookSize());
    }

    @Override
    public EpochMetrics epochMetrics(VqVaeConfig config, EpochMetrics metrics, LossTotals train, LossTotals test) {
        long[] counts = test.counts(LossTerms.CODES);
        if (counts == null) {
            return metrics;
        }
        CodeUsage usage = CodeUsage.of(counts);
        return metrics.withCodes(usage.perplexity(), usage.codesUsed());
    }

    @Override
    public List<String> termLabels() {
        return List.of("recon", "VQ");
    }

    @Override
    public Map<String, String> summary(EpochMetrics last) {
        Map<String, String> lines = new LinkedHashMap<>();
        if (last.perplexity() != null) {
            lines.put("codes", String.format(Locale.ROOT, "perplexity %.2f, %d used (test split)", last.perplexity(),
                    last.codesUsed()));
        }
        return lines;
    }
}
