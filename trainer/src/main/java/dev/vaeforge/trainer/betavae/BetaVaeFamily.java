package dev.vaeforge.trainer.betavae;

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
import dev.vaeforge.trainer.model.Span;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.vae.ConvVae;
import java.util.List;
import java.util.Locale;

/** beta-VAE: the plain VAE's block with {@link BetaVaeLoss}; logs beta per epoch. */
public final class BetaVaeFamily implements Family<BetaVaeConfig> {
    private static final List<FamilyParameter> PARAMETERS = List.of(
            FamilyParameter.of("beta", Type.NUMBER, "B", "beta-vae: the KL weight beta (>= 0) the schedule reaches.",
                    "4"),
            FamilyParameter.of("kl-schedule", Type.TEXT, "constant|warmup|cyclical", "beta-vae: how beta moves: "
                    + "constant; warmup (linear from {beta-start} to {beta} over {kl-span}); cyclical (Fu et al. 2019: "
                    + "{kl-cycles} ramps from 0, each over the first {kl-ratio} of its cycle, within {kl-span}).",
                    "constant"),
            FamilyParameter.of("beta-start", Type.NUMBER, "B0", "beta-vae, warmup: beta at step 0 (>= 0).", "0"),
            FamilyParameter.of("kl-span", Type.TEXT, "SPAN", "beta-vae, warmup or cyclical: length of the warm-up, or "
                    + "of all cycles together: N steps or N epochs, e.g. 2000steps or 10epochs.",
                    "the whole run ({epochs} epochs)"),
            FamilyParameter.of("kl-cycles", Type.INTEGER, "M", "beta-vae, cyclical: number of cycles (>= 1).", "4"),
            FamilyParameter.of("kl-ratio", Type.NUMBER, "R", "beta-vae, cyclical: fraction of each cycle spent ramping "
                    + "beta up, in (0, 1].", "0.5"),
            FamilyParameter.of("free-bits", Type.NUMBER, "LAMBDA", "beta-vae: free bits, nats per latent dimension "
                    + "(>= 0): the KL term becomes sum_d max(LAMBDA, batch mean of KL_d).", "0 (off)"));
    private static final List<String> SCHEDULES = List.of("constant", "warmup", "cyclical");

    @Override
    public String id() {
        return BetaVaeConfig.FAMILY;
    }

    @Override
    public String summary() {
        return "beta-VAE (Higgins et al. 2017): recon + beta_t * KL, KL schedules, free bits";
    }

    @Override
    public Class<BetaVaeConfig> configType() {
        return BetaVaeConfig.class;
    }

    @Override
    public List<FamilyParameter> parameters() {
        return PARAMETERS;
    }

    @Override
    public void check(ParameterValues v) {
        Parameters.nonNegative(v, "beta");
        Parameters.nonNegative(v, "beta-start");
        Parameters.nonNegative(v, "free-bits");
        String s = schedule(v);
        Parameters.onlyWith(v, "beta-start", "kl-schedule", s, "warmup");
        Parameters.onlyWith(v, "kl-span", "kl-schedule", s, "warmup", "cyclical");
        Parameters.onlyWith(v, "kl-cycles", "kl-schedule", s, "cyclical");
        Parameters.onlyWith(v, "kl-ratio", "kl-schedule", s, "cyclical");
        Integer cycles = v.integer("kl-cycles");
        if (cycles != null && cycles < 1) {
            throw VaeforgeException.badParameter("kl-cycles must be >= 1, got " + cycles, "kl-cycles");
        }
        Double ratio = v.number("kl-ratio");
        if (ratio != null && !(ratio > 0 && ratio <= 1)) {
            throw VaeforgeException.badParameter("kl-ratio must be in (0, 1], got " + ratio, "kl-ratio");
        }
        Parameters.span(v, "kl-span");
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
    public BetaVaeConfig configure(Architecture architecture, ParameterValues v, FamilyContext context) {
        check(v);
        if (architecture.prior().learned() && v.given("free-bits") && v.number("free-bits") > 0) {
            throw VaeforgeException.badParameter("free-bits does not apply to prior " + architecture.prior().kind()
                    + ": it floors the KL of each latent dimension, and against a learned prior the KL does not split "
                    + "over dimensions; leave free bits out or use the standard normal", "free-bits", "prior");
        }
        if (architecture.posterior().flow() && v.given("free-bits") && v.number("free-bits") > 0) {
            throw VaeforgeException.badParameter("free-bits does not apply to posterior " + architecture.posterior().kind()
                    + ": it floors the KL of each latent dimension, and under a flow posterior the KL does not split "
                    + "over dimensions; leave free bits out or use --posterior gaussian", "free-bits", "posterior");
        }
        Span span = Parameters.span(v, "kl-span");
        Span whole = Span.ofEpochs(context.epochs());
        KlSchedule schedule = switch (schedule(v)) {
            case "warmup" -> new KlSchedule.Warmup(v.given("beta-start") ? v.number("beta-start") : 0,
                    span == null ? whole : span);
            case "cyclical" -> new KlSchedule.Cyclical(v.integer("kl-cycles"), v.number("kl-ratio"),
                    span == null ? whole : span);
            default -> new KlSchedule.Constant();
        };
        try {
            return new BetaVaeConfig(architecture, v.number("beta"), schedule,
                    v.given("free-bits") ? v.number("free-bits") : 0);
        } catch (IllegalArgumentException e) {
            throw Parameters.invalid(id(), e);
        }
    }

    private static String schedule(ParameterValues v) {
        String given = v.text("kl-schedule");
        String s = given == null ? "constant" : given.strip().toLowerCase(Locale.ROOT);
        if (!SCHEDULES.contains(s)) {
            throw VaeforgeException.badParameter("kl-schedule: unknown schedule '" + given
                    + "', expected constant, warmup or cyclical", "kl-schedule");
        }
        return s;
    }

    @Override
    public NDArray decodePrior(BetaVaeConfig config, Block block, NDArray z) {
        return ((ConvVae) block).decodePriorDraws(z);
    }

    @Override
    public Block newBlock(BetaVaeConfig config) {
        return new ConvVae(config.architecture());
    }

    @Override
    public Objective objective(BetaVaeConfig config) {
        return new BetaVaeLoss(config).atStep(0, 1);
    }

    @Override
    public List<String> metricColumns(BetaVaeConfig config) {
        return EpochMetrics.columns(List.of("beta"), config.latentDim(), List.of());
    }
}
