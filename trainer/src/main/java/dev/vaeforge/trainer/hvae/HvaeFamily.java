package dev.vaeforge.trainer.hvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * hvae: the two-level {@link LadderVae} trained on {@link LadderLoss}; logs the KL of each level
 * (trainKl1, testKl1, trainKl2, testKl2) and the KL per dimension of both levels (level 1 first).
 */
public final class HvaeFamily implements Family<HvaeConfig> {
    private static final List<FamilyParameter> PARAMETERS = List.of(
            FamilyParameter.of("levels", Type.INTEGER, "L", "hvae: levels of latent variables; " + HvaeConfig.LEVELS
                    + " is the depth this family builds.", Integer.toString(HvaeConfig.LEVELS)),
            FamilyParameter.of("latent-dims", Type.INTEGERS, "D1,D2", "hvae: the latent size of each level, bottom "
                    + "(the decoder's input) first; replaces {latent-dim}.", "{latent-dim} and half of it"),
            FamilyParameter.of("level-free-bits", Type.TEXTS, "L1[,L2]", "hvae: free bits per level, nats per latent "
                    + "dimension (>= 0): level l's KL term becomes sum_d max(Ll, batch mean of KL_ld); one value "
                    + "applies to both levels. Guards the top level against collapsing.", "0 (off)"),
            FamilyParameter.of("kl-warmup", Type.TEXT, "SPAN", "hvae: KL warm-up (Sønderby et al. 2016): the KL weight "
                    + "rises linearly from 0 to 1 over SPAN (N steps or N epochs, e.g. 2epochs).", "none (weight 1)"));

    @Override
    public String id() {
        return HvaeConfig.FAMILY;
    }

    @Override
    public String summary() {
        return "two-level hierarchical VAE, Ladder-VAE inference (Sønderby et al. 2016): per-level KL, free bits, warm-up";
    }

    @Override
    public Class<HvaeConfig> configType() {
        return HvaeConfig.class;
    }

    @Override
    public List<FamilyParameter> parameters() {
        return PARAMETERS;
    }

    @Override
    public void check(ParameterValues v) {
        Integer levels = v.integer("levels");
        if (levels != null && levels != HvaeConfig.LEVELS) {
            throw VaeforgeException.badParameter("levels must be " + HvaeConfig.LEVELS + " (the depth hvae builds), got "
                    + levels, "levels");
        }
        List<Integer> dims = v.integers("latent-dims");
        if (dims != null) {
            if (dims.size() != HvaeConfig.LEVELS) {
                throw VaeforgeException.badParameter("latent-dims must list " + HvaeConfig.LEVELS + " sizes, one per level "
                        + "(bottom first, e.g. 16,8), got " + dims.size() + ": " + join(dims), "latent-dims", "levels");
            }
            for (Integer d : dims) {
                if (d == null || d < 1 || d > 4096) {
                    throw VaeforgeException.badParameter("latent-dims: each size must be an integer in 1..4096, got "
                            + join(dims), "latent-dims");
                }
            }
        }
        freeBits(v);
        Parameters.span(v, "kl-warmup");
    }

    /** The free bits per level, bottom first: one value for both, or one per level; null when not given. */
    static List<Double> freeBits(ParameterValues v) {
        List<String> given = v.texts("level-free-bits");
        if (given == null) {
            return null;
        }
        if (given.size() != 1 && given.size() != HvaeConfig.LEVELS) {
            throw VaeforgeException.badParameter("level-free-bits takes one value or " + HvaeConfig.LEVELS
                    + " (one per level, bottom first), got " + given.size() + ": " + String.join(",", given),
                    "level-free-bits");
        }
        List<Double> out = new ArrayList<>();
        for (String s : given) {
            double f;
            try {
                f = Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                f = Double.NaN;
            }
            if (!(f >= 0) || Double.isInfinite(f)) {
                throw VaeforgeException.badParameter("level-free-bits: each value must be a number >= 0 (nats per latent "
                        + "dimension), got '" + s + "'", "level-free-bits");
            }
            out.add(f);
        }
        return out.size() == 1 ? List.of(out.get(0), out.get(0)) : out;
    }

    private static String join(List<Integer> dims) {
        return String.join(",", dims.stream().map(String::valueOf).toList());
    }

    @Override
    public HvaeConfig configure(Architecture architecture, ParameterValues v, FamilyContext context) {
        check(v);
        try {
            return new HvaeConfig(architecture, v.integers("latent-dims"), freeBits(v), Parameters.span(v, "kl-warmup"));
        } catch (IllegalArgumentException e) {
            throw Parameters.invalid(id(), e);
        }
    }

    @Override
    public Block newBlock(HvaeConfig config) {
        return new LadderVae(config);
    }

    @Override
    public Objective objective(HvaeConfig config) {
        return new LadderLoss(config, 1).atStep(0, 1);
    }

    /** Training-log prior samples: the first D2 of the caller's N(0, I) draws as z2 (where D2 <= D1). */
    @Override
    public NDArray decodePrior(HvaeConfig config, Block block, NDArray z) {
        if (config.dim(2) > z.getShape().get(1)) {
            return null;
        }
        return ((LadderVae) block).decodeTopLevel(z.get(new NDIndex(":, 0:" + config.dim(2))));
    }

    @Override
    public List<String> metricColumns(HvaeConfig config) {
        return EpochMetrics.columns(config.warmup() == null ? List.of() : List.of("beta"), config.dim(1) + config.dim(2),
                new ArrayList<>(columns(Map.of(), Map.of()).keySet()));
    }

    @Override
    public EpochMetrics epochMetrics(HvaeConfig config, EpochMetrics metrics, LossTotals train, LossTotals test) {
        return metrics.withExtras(columns(train.meanExtras(), test.meanExtras()));
    }

    /** trainKl1, testKl1, trainKl2, testKl2. */
    private static Map<String, Double> columns(Map<String, Double> train, Map<String, Double> test) {
        Map<String, Double> c = new LinkedHashMap<>();
        for (String e : List.of(LadderLoss.KL1, LadderLoss.KL2)) {
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
        if (x != null && x.containsKey("testKl1")) {
            lines.put("levels", String.format(Locale.ROOT, "test KL level 1 %.3f, level 2 %.3f nats/image",
                    x.get("testKl1"), x.get("testKl2")));
        }
        return lines;
    }
}
