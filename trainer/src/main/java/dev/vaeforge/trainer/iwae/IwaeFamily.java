package dev.vaeforge.trainer.iwae;

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
import dev.vaeforge.trainer.vae.ConvVae;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * IWAE: {@link ConvVae} drawing K latents per image, trained on {@link IwaeLoss}; with DReG the
 * encoder and the decoder are two networks, each following its own loss.
 */
public final class IwaeFamily implements Family<IwaeConfig> {
    private static final List<FamilyParameter> PARAMETERS = List.of(
            FamilyParameter.of("iw-samples", Type.INTEGER, "K", "iwae: importance samples per image, 1.."
                    + IwaeConfig.MAX_SAMPLES + "; K = 1 is the VAE's single-sample ELBO.", "5"),
            FamilyParameter.of("iw-estimator", Type.TEXT, "iwae|dreg", "iwae: the encoder's gradient: iwae (the "
                    + "bound's own) or dreg (doubly reparameterised, Tucker et al. 2019).", "iwae"));
    /** Train and test means of these terms are the family's metrics columns, in this order. */
    private static final List<String> EXTRAS = List.of(IwaeLoss.BOUND, IwaeLoss.ELBO, IwaeLoss.ESS);
    /** Refuse a step whose activations would need more than this share of the machine's memory. */
    private static final double MEMORY_SHARE = 0.5;

    @Override
    public String id() {
        return IwaeConfig.FAMILY;
    }

    @Override
    public String summary() {
        return "importance weighted autoencoder (Burda et al. 2016): -log mean_k w_k over K draws; DReG optional";
    }

    @Override
    public Class<IwaeConfig> configType() {
        return IwaeConfig.class;
    }

    @Override
    public List<FamilyParameter> parameters() {
        return PARAMETERS;
    }

    @Override
    public void check(ParameterValues v) {
        Integer k = v.integer("iw-samples");
        if (k != null && (k < 1 || k > IwaeConfig.MAX_SAMPLES)) {
            throw VaeforgeException.badParameter("iw-samples must be in 1.." + IwaeConfig.MAX_SAMPLES + ", got " + k,
                    "iw-samples");
        }
        String e = v.text("iw-estimator");
        if (e != null && !IwaeConfig.ESTIMATORS.contains(e.strip().toLowerCase(Locale.ROOT))) {
            throw VaeforgeException.badParameter("iw-estimator: unknown estimator '" + e + "', expected iwae or dreg",
                    "iw-estimator");
        }
    }

    @Override
    public boolean learnedPrior() {
        return true;
    }

    @Override
    public IwaeConfig configure(Architecture architecture, ParameterValues v, FamilyContext context) {
        check(v);
        String estimator = v.text("iw-estimator");
        if (architecture.prior().learned() && estimator != null && estimator.strip().equalsIgnoreCase("dreg")) {
            throw VaeforgeException.badParameter("iw-estimator dreg does not apply to prior "
                    + architecture.prior().kind() + (architecture.prior().vamp()
                    ? ": the VampPrior's components come from the encoder, whose weights DReG's encoder surrogate "
                    + "would give the wrong gradient; use the estimator iwae"
                    : ": the flow's weights are in neither of the two networks DReG's surrogates train; use the "
                    + "estimator iwae"),
                    "iw-estimator", "prior");
        }
        IwaeConfig c;
        try {
            c = new IwaeConfig(architecture, v.integer("iw-samples"), v.text("iw-estimator"));
        } catch (IllegalArgumentException e) {
            throw Parameters.invalid(id(), e);
        }
        checkMemory(c, context.batchSize());
        return c;
    }

    /**
     * K x batch images go through the decoder (and back) in every step: refuses a K whose activations
     * would need more than half of the machine's memory, saying how much.
     */
    static void checkMemory(IwaeConfig c, int batchSize) {
        double need = stepBytes(c, batchSize);
        long total = physicalMemory();
        if (total > 0 && need > MEMORY_SHARE * total) {
            throw VaeforgeException.badParameter(String.format(Locale.ROOT, "iw-samples %d with batch-size %d puts %d "
                            + "images through the decoder per step: about %.1f GiB of activations and gradients, more "
                            + "than half of this machine's %.1f GiB; lower iw-samples or batch-size", c.samples(), batchSize,
                    (long) c.samples() * batchSize, need / (1L << 30), total / (double) (1L << 30)), "iw-samples",
                    "batch-size");
        }
    }

    /** A step's decoder activations and their gradients, estimated from the architecture. */
    static double stepBytes(IwaeConfig c, int batchSize) {
        Architecture a = c.architecture();
        double perImage = 3.0 * a.channels() * a.imageSize() * a.imageSize();
        for (int l = 0; l < a.widths().size(); l++) {
            int side = a.imageSize() >> l;
            perImage += 4.0 * a.widths().get(l) * side * side;
        }
        return 2 * 4 * perImage * c.samples() * (double) batchSize;
    }

    private static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return -1;
    }

    @Override
    public NDArray decodePrior(IwaeConfig config, Block block, NDArray z) {
        return ((ConvVae) block).decodePriorDraws(z);
    }

    @Override
    public Block newBlock(IwaeConfig config) {
        return new ConvVae(config.vae(), config.samples());
    }

    @Override
    public Objective objective(IwaeConfig config) {
        return new IwaeLoss(config);
    }

    @Override
    public List<String> networks(IwaeConfig config) {
        return config.dreg() ? List.of("encoder", "decoder") : List.of();
    }

    @Override
    public List<String> metricColumns(IwaeConfig config) {
        return EpochMetrics.columns(List.of(), config.latentDim(), new ArrayList<>(columns(Map.of(), Map.of()).keySet()));
    }

    @Override
    public EpochMetrics epochMetrics(IwaeConfig config, EpochMetrics metrics, LossTotals train, LossTotals test) {
        return metrics.withExtras(columns(train.meanExtras(), test.meanExtras()));
    }

    /** trainIwaeBound, testIwaeBound, trainElbo, testElbo, trainEss, testEss. */
    private static Map<String, Double> columns(Map<String, Double> train, Map<String, Double> test) {
        Map<String, Double> c = new LinkedHashMap<>();
        for (String e : EXTRAS) {
            String cap = e.substring(0, 1).toUpperCase(Locale.ROOT) + e.substring(1);
            c.put("train" + cap, train.getOrDefault(e, Double.NaN));
            c.put("test" + cap, test.getOrDefault(e, Double.NaN));
        }
        return c;
    }

    @Override
    public Map<String, String> summary(EpochMetrics last) {
        Map<String, String> lines = new LinkedHashMap<>();
        Map<String, Double> x = last.extras();
        if (x != null && x.containsKey("testIwaeBound")) {
            lines.put("bound", String.format(Locale.ROOT, "test IWAE bound %.4f nats/image (ELBO %.4f), effective "
                    + "sample size %.2f", x.get("testIwaeBound"), x.get("testElbo"), x.get("testEss")));
        }
        return lines;
    }
}
