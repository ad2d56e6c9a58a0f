package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.ModelFamily;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.runtime.condition.DatasetConditions;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.trainer.model.BetaVaeConfig;
import dev.vaeforge.trainer.model.CapacityVaeConfig;
import dev.vaeforge.trainer.model.CvaeConfig;
import dev.vaeforge.trainer.model.KlSchedule;
import dev.vaeforge.trainer.model.ModelConfig;
import dev.vaeforge.trainer.model.Span;
import dev.vaeforge.trainer.model.VaeConfig;
import dev.vaeforge.trainer.model.VaeGanConfig;
import dev.vaeforge.trainer.model.VqVaeConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The family-specific flags of {@code vaeforge train} (a mixin, so TrainCommand only asks it for the
 * model config). A flag given for a family it does not belong to, or a value out of range, is one
 * line naming the flag and the allowed values, before any data is read. docs/FAMILIES.md documents
 * the defaults and where they come from.
 */
final class FamilyOptions {
    /** Each flag with the family it belongs to, in the order of --help. */
    private static final Map<String, ModelFamily> FLAGS = new LinkedHashMap<>();

    static {
        for (String f : List.of("--beta", "--kl-schedule", "--beta-start", "--kl-span", "--kl-cycles", "--kl-ratio",
                "--free-bits")) {
            FLAGS.put(f, ModelFamily.BETA_VAE);
        }
        for (String f : List.of("--gamma", "--capacity-max", "--capacity-span")) {
            FLAGS.put(f, ModelFamily.CAPACITY_VAE);
        }
        FLAGS.put("--conditioning", ModelFamily.CVAE);
        FLAGS.put("--attributes", ModelFamily.CVAE);
        for (String f : List.of("--codebook-size", "--code-dim", "--commitment", "--ema", "--ema-decay",
                "--dead-code-steps")) {
            FLAGS.put(f, ModelFamily.VQVAE);
        }
        for (String f : List.of("--disc-widths", "--feature-layer", "--gan-gamma", "--no-balance", "--equilibrium",
                "--balance-margin")) {
            FLAGS.put(f, ModelFamily.VAEGAN);
        }
    }

    @Option(names = "--beta", paramLabel = "B", description = "beta-vae: the KL weight beta (>= 0) the schedule "
            + "reaches. Default: 4.")
    Double beta;

    @Option(names = "--kl-schedule", paramLabel = "constant|warmup|cyclical", description = "beta-vae: how beta moves: "
            + "constant; warmup (linear from --beta-start to --beta over --kl-span); cyclical (Fu et al. 2019: "
            + "--kl-cycles ramps from 0, each over the first --kl-ratio of its cycle, within --kl-span). Default: constant.")
    String klSchedule;

    @Option(names = "--beta-start", paramLabel = "B0", description = "beta-vae, warmup: beta at step 0 (>= 0). Default: 0.")
    Double betaStart;

    @Option(names = "--kl-span", paramLabel = "SPAN", description = "beta-vae, warmup or cyclical: length of the "
            + "warm-up, or of all cycles together: N steps or N epochs, e.g. 2000steps or 10epochs. Default: the whole "
            + "run (--epochs epochs).")
    String klSpan;

    @Option(names = "--kl-cycles", paramLabel = "M", description = "beta-vae, cyclical: number of cycles (>= 1). Default: 4.")
    Integer klCycles;

    @Option(names = "--kl-ratio", paramLabel = "R", description = "beta-vae, cyclical: fraction of each cycle spent "
            + "ramping beta up, in (0, 1]. Default: 0.5.")
    Double klRatio;

    @Option(names = "--free-bits", paramLabel = "LAMBDA", description = "beta-vae: free bits, nats per latent dimension "
            + "(>= 0): the KL term becomes sum_d max(LAMBDA, batch mean of KL_d). Default: 0 (off).")
    Double freeBits;

    @Option(names = "--gamma", paramLabel = "G", description = "capacity-vae: weight gamma (>= 0) of |KL - C|. Default: 1000.")
    Double gamma;

    @Option(names = "--capacity-max", paramLabel = "NATS", description = "capacity-vae: C_max (>= 0), the capacity C "
            + "rises to. Default: 25.")
    Double capacityMax;

    @Option(names = "--capacity-span", paramLabel = "SPAN", description = "capacity-vae: how long C takes to rise from "
            + "0 to C_max: N steps or N epochs, e.g. 100000steps or 10epochs. Default: the whole run (--epochs epochs).")
    String capacitySpan;

    @Option(names = "--conditioning", paramLabel = "labels|attributes", description = "cvae: what y holds: the "
            + "dataset's class labels (shapes; folder sub-folders) or its binary attributes. Default: labels.")
    String conditioning;

    @Option(names = "--attributes", split = ",", paramLabel = "NAME", description = "cvae, attributes: the attributes "
            + "to condition on. Default: all of the dataset's.")
    List<String> attributes;

    @Option(names = "--codebook-size", paramLabel = "K", description = "vqvae: number of codebook entries, 2..65536. "
            + "Default: 64.")
    Integer codebookSize;

    @Option(names = "--code-dim", paramLabel = "D", description = "vqvae: dimension of each code vector, 1..1024. "
            + "Default: 16.")
    Integer codeDim;

    @Option(names = "--commitment", paramLabel = "BETA_C", description = "vqvae: weight of the commitment term "
            + "||z_e - sg[e]||^2 (>= 0). Default: 0.25.")
    Double commitment;

    @Option(names = "--ema", arity = "0", description = "vqvae: update the codebook by exponential moving averages of "
            + "its assigned encoder outputs instead of the codebook loss term.")
    Boolean ema;

    @Option(names = "--ema-decay", paramLabel = "GAMMA", description = "vqvae, --ema: decay of the moving averages, in "
            + "(0, 1). Default: 0.99.")
    Double emaDecay;

    @Option(names = "--dead-code-steps", paramLabel = "N", description = "vqvae: restart a code unused for N training "
            + "steps from a random encoder output of the batch; 0 = never. Default: 50.")
    Integer deadCodeSteps;

    @Option(names = "--disc-widths", split = ",", paramLabel = "W", description = "vaegan: channel widths of the "
            + "discriminator's 4x4 stride-2 stages. Default: the encoder's --widths.")
    List<Integer> discWidths;

    @Option(names = "--feature-layer", paramLabel = "L", description = "vaegan: the discriminator stage (1-based) whose "
            + "output is the feature space of the reconstruction loss. Default: the last stage.")
    Integer featureLayer;

    @Option(names = "--gan-gamma", paramLabel = "G", description = "vaegan: weight gamma (>= 0) of the feature "
            + "reconstruction in the decoder's loss, against its adversarial term. Default: 0.01.")
    Double ganGamma;

    @Option(names = "--no-balance", arity = "0", description = "vaegan: update the discriminator and the decoder "
            + "every step, even when one side wins by more than --balance-margin.")
    Boolean noBalance;

    @Option(names = "--equilibrium", paramLabel = "NATS", description = "vaegan: the discriminator loss (nats, on real "
            + "and on generated images) the balancing rule centres on (> 0). Default: 0.68.")
    Double equilibrium;

    @Option(names = "--balance-margin", paramLabel = "NATS", description = "vaegan: skip the discriminator's update "
            + "while its loss is below equilibrium - margin, the decoder's while above equilibrium + margin (> 0). "
            + "Default: 0.35.")
    Double balanceMargin;

    /** Each family flag with the family it belongs to. */
    static Map<String, ModelFamily> flags() {
        return java.util.Collections.unmodifiableMap(FLAGS);
    }

    /** The value of each flag (null when not given), keyed like {@link #FLAGS}. */
    Map<String, Object> values() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("--beta", beta);
        m.put("--kl-schedule", klSchedule);
        m.put("--beta-start", betaStart);
        m.put("--kl-span", klSpan);
        m.put("--kl-cycles", klCycles);
        m.put("--kl-ratio", klRatio);
        m.put("--free-bits", freeBits);
        m.put("--gamma", gamma);
        m.put("--capacity-max", capacityMax);
        m.put("--capacity-span", capacitySpan);
        m.put("--conditioning", conditioning);
        m.put("--attributes", attributes);
        m.put("--codebook-size", codebookSize);
        m.put("--code-dim", codeDim);
        m.put("--commitment", commitment);
        m.put("--ema", ema);
        m.put("--ema-decay", emaDecay);
        m.put("--dead-code-steps", deadCodeSteps);
        m.put("--disc-widths", discWidths);
        m.put("--feature-layer", featureLayer);
        m.put("--gan-gamma", ganGamma);
        m.put("--no-balance", noBalance);
        m.put("--equilibrium", equilibrium);
        m.put("--balance-margin", balanceMargin);
        return m;
    }

    /**
     * Refuses flags that do not apply to {@code family} (or to the chosen schedule/conditioning) and
     * out-of-range values. Reads no data.
     */
    void check(ModelFamily family) {
        for (Map.Entry<String, Object> e : values().entrySet()) {
            ModelFamily owner = FLAGS.get(e.getKey());
            if (e.getValue() != null && owner != family) {
                String own = flagsOf(family);
                throw bad(e.getKey() + " does not apply to --model " + family.id() + "; it is a flag of --model "
                        + owner.id() + (own.isEmpty() ? "" : " (--model " + family.id() + " takes " + own + ")"));
            }
        }
        nonNegative("--beta", beta);
        nonNegative("--beta-start", betaStart);
        nonNegative("--free-bits", freeBits);
        nonNegative("--gamma", gamma);
        nonNegative("--capacity-max", capacityMax);
        nonNegative("--commitment", commitment);
        nonNegative("--gan-gamma", ganGamma);
        if (noBalance != null && (equilibrium != null || balanceMargin != null)) {
            throw bad((equilibrium != null ? "--equilibrium" : "--balance-margin") + " sets the balancing rule, which "
                    + "--no-balance turns off; give one or the other");
        }
        if (emaDecay != null && ema == null) {
            throw bad("--ema-decay applies with --ema (EMA codebook updates)");
        }
        if (family == ModelFamily.VQVAE) {
            vqConfig(new VaeConfig(1, 2, 1, List.of(1), null, 0));
        }
        if (family == ModelFamily.BETA_VAE) {
            String s = schedule();
            only("--beta-start", betaStart, s, "warmup");
            only("--kl-span", klSpan, s, "warmup", "cyclical");
            only("--kl-cycles", klCycles, s, "cyclical");
            only("--kl-ratio", klRatio, s, "cyclical");
            if (klCycles != null && klCycles < 1) {
                throw bad("--kl-cycles must be >= 1, got " + klCycles);
            }
            if (klRatio != null && !(klRatio > 0 && klRatio <= 1)) {
                throw bad("--kl-ratio must be in (0, 1], got " + klRatio);
            }
            span("--kl-span", klSpan);
        }
        if (family == ModelFamily.CAPACITY_VAE) {
            span("--capacity-span", capacitySpan);
        }
        if (family == ModelFamily.CVAE && kind() != ConditionKind.ATTRIBUTES && attributes != null) {
            throw bad("--attributes applies to --conditioning attributes, not " + kind().id());
        }
    }

    /** Folder datasets label images by sub-folder only when asked; a cvae on labels asks. */
    DatasetOptions datasetOptions(ModelFamily family, DatasetOptions options) {
        return family == ModelFamily.CVAE && kind() == ConditionKind.LABELS ? options.withFolderLabels(true) : options;
    }

    /**
     * The model config of {@code family} around the shared architecture {@code arch}.
     *
     * @param dataset gives a cvae its condition names (and is checked to have them)
     * @param epochs the run's length, the default span of the schedules
     */
    ModelConfig modelConfig(ModelFamily family, VaeConfig arch, ImageDataset dataset, int epochs) {
        check(family);
        Span whole = Span.ofEpochs(epochs);
        return switch (family) {
            case VAE -> arch;
            case BETA_VAE -> new BetaVaeConfig(arch.channels(), arch.imageSize(), arch.latentDim(), arch.widths(),
                    arch.likelihood(), arch.gaussianSigma(), beta, klSchedule(whole), freeBits == null ? 0 : freeBits);
            case CAPACITY_VAE -> new CapacityVaeConfig(arch.channels(), arch.imageSize(), arch.latentDim(), arch.widths(),
                    arch.likelihood(), arch.gaussianSigma(), gamma, capacityMax,
                    capacitySpan == null ? whole : span("--capacity-span", capacitySpan));
            case CVAE -> new CvaeConfig(arch.channels(), arch.imageSize(), arch.latentDim(), arch.widths(),
                    arch.likelihood(), arch.gaussianSigma(), kind(), conditionNames(dataset));
            case VQVAE -> vqConfig(arch);
            case VAEGAN -> ganConfig(arch);
        };
    }

    /** The vaegan config around the VAE architecture {@code arch}; out-of-range values name their flag. */
    private VaeGanConfig ganConfig(VaeConfig arch) {
        try {
            return new VaeGanConfig(arch.channels(), arch.imageSize(), arch.latentDim(), arch.widths(), arch.likelihood(),
                    arch.gaussianSigma(), discWidths, featureLayer, ganGamma, noBalance == null, equilibrium,
                    balanceMargin);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            String flag = m.startsWith("disc-widths") || m.startsWith("each disc-width") ? "--disc-widths"
                    : m.startsWith("feature-layer") ? "--feature-layer"
                    : m.startsWith("equilibrium") ? "--equilibrium"
                    : m.startsWith("balance-margin") ? "--balance-margin"
                    : m.contains("discriminator stages") ? "--disc-widths" : null;
            throw bad("--model vaegan: " + (flag == null || m.startsWith(flag.substring(2)) ? "" : flag + ": ") + m);
        }
    }

    /** The vqvae config around {@code arch}'s convolutional stages; out-of-range values name their flag. */
    private VqVaeConfig vqConfig(VaeConfig arch) {
        try {
            return new VqVaeConfig(arch.channels(), arch.imageSize(), arch.widths(), arch.likelihood(),
                    arch.gaussianSigma(), codebookSize, codeDim, commitment, ema != null && ema, emaDecay, null,
                    deadCodeSteps);
        } catch (IllegalArgumentException e) {
            throw bad("--model vqvae: " + e.getMessage());
        }
    }

    private KlSchedule klSchedule(Span whole) {
        Span span = klSpan == null ? whole : span("--kl-span", klSpan);
        return switch (schedule()) {
            case "warmup" -> new KlSchedule.Warmup(betaStart == null ? 0 : betaStart, span);
            case "cyclical" -> new KlSchedule.Cyclical(klCycles, klRatio, span);
            default -> new KlSchedule.Constant();
        };
    }

    private String schedule() {
        String s = klSchedule == null ? "constant" : klSchedule.strip().toLowerCase(Locale.ROOT);
        if (!List.of("constant", "warmup", "cyclical").contains(s)) {
            throw bad("--kl-schedule: unknown schedule '" + klSchedule + "', expected constant, warmup or cyclical");
        }
        return s;
    }

    private ConditionKind kind() {
        try {
            return conditioning == null ? ConditionKind.LABELS : ConditionKind.parse(conditioning);
        } catch (IllegalArgumentException e) {
            throw bad("--conditioning: " + e.getMessage());
        }
    }

    /** The dataset's class names, or the chosen attributes after checking the dataset has them. */
    private List<String> conditionNames(ImageDataset dataset) {
        ConditionKind kind = kind();
        List<String> names = kind == ConditionKind.LABELS ? dataset.labelNames() : attributeNames(dataset);
        if (kind == ConditionKind.LABELS && names.size() < 2) {
            throw bad("--model cvae --conditioning labels: dataset " + dataset.description() + " has "
                    + (names.isEmpty() ? "no class labels" : "a single class " + names)
                    + "; it needs two or more (shapes has 3; folder datasets take them from DIR/<class>/ sub-folders)");
        }
        try {
            // the same check the trainer makes, here so that it fails before anything is written
            DatasetConditions.of(new ConditionSpec(kind, names), dataset);
        } catch (IllegalArgumentException e) {
            throw bad("--model cvae: " + e.getMessage());
        }
        return names;
    }

    /**
     * The attribute names to condition on: --attributes, or every attribute the dataset has (CelebA's
     * 40). Names the dataset does not have are refused with the list of those it has.
     */
    private List<String> attributeNames(ImageDataset dataset) {
        List<String> chosen = attributes == null ? new ArrayList<>(dataset.attributeNames()) : new ArrayList<>(attributes);
        try {
            DatasetConditions.of(new ConditionSpec(ConditionKind.ATTRIBUTES, chosen.isEmpty() ? List.of("?") : chosen),
                    dataset);
        } catch (IllegalArgumentException e) {
            throw bad("--conditioning attributes: " + e.getMessage());
        }
        return chosen;
    }

    private static String flagsOf(ModelFamily family) {
        List<String> flags = new ArrayList<>();
        FLAGS.forEach((flag, owner) -> {
            if (owner == family) {
                flags.add(flag);
            }
        });
        return String.join(", ", flags);
    }

    private static void only(String flag, Object value, String schedule, String... allowed) {
        if (value != null && !List.of(allowed).contains(schedule)) {
            throw bad(flag + " applies to --kl-schedule " + String.join(" or ", allowed) + ", not " + schedule);
        }
    }

    private static void nonNegative(String flag, Double v) {
        if (v != null && (!(v >= 0) || v.isInfinite())) {
            throw bad(flag + " must be a number >= 0, got " + v);
        }
    }

    private static Span span(String flag, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Span.parse(value);
        } catch (IllegalArgumentException e) {
            throw bad(flag + ": " + e.getMessage());
        }
    }

    private static VaeforgeException bad(String message) {
        return new VaeforgeException(VaeforgeException.Code.BAD_INPUT, message);
    }
}
