package dev.vaeforge.trainer.cvae;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.runtime.condition.DatasetConditions;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.family.Family;
import dev.vaeforge.trainer.family.FamilyContext;
import dev.vaeforge.trainer.family.FamilyParameter;
import dev.vaeforge.trainer.family.FamilyParameter.Type;
import dev.vaeforge.trainer.family.ParameterValues;
import dev.vaeforge.trainer.family.Parameters;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.vae.VaeLoss;
import java.util.ArrayList;
import java.util.List;

/**
 * Conditional VAE: {@link ConditionalVae} takes the images and their conditions y[N, A] (class labels or
 * attributes of the dataset), trained on the negative conditional ELBO ({@link VaeLoss}).
 */
public final class CvaeFamily implements Family<CvaeConfig> {
    private static final List<FamilyParameter> PARAMETERS = List.of(
            FamilyParameter.of("conditioning", Type.TEXT, "labels|attributes", "cvae: what y holds: the dataset's "
                    + "class labels (shapes; folder sub-folders) or its binary attributes.", "labels"),
            FamilyParameter.of("attributes", Type.TEXTS, "NAME", "cvae, attributes: the attributes to condition on.",
                    "all of the dataset's"));

    @Override
    public String id() {
        return CvaeConfig.FAMILY;
    }

    @Override
    public String summary() {
        return "conditional VAE (Sohn et al. 2015): q(z|x,y), p(x|z,y) on class labels or attributes";
    }

    @Override
    public Class<CvaeConfig> configType() {
        return CvaeConfig.class;
    }

    @Override
    public List<FamilyParameter> parameters() {
        return PARAMETERS;
    }

    @Override
    public void check(ParameterValues v) {
        ConditionKind kind = kind(v);
        if (kind != ConditionKind.ATTRIBUTES && v.given("attributes")) {
            throw VaeforgeException.badParameter("attributes applies to conditioning attributes, not " + kind.id(),
                    "attributes", "conditioning");
        }
    }

    /** Folder datasets label images by sub-folder only when asked; a cvae on labels asks. */
    @Override
    public DatasetOptions datasetOptions(ParameterValues v, DatasetOptions options) {
        return kind(v) == ConditionKind.LABELS ? options.withFolderLabels(true) : options;
    }

    @Override
    public DatasetOptions datasetOptions(CvaeConfig config, DatasetOptions options) {
        return config.conditioning() == ConditionKind.LABELS ? options.withFolderLabels(true) : options;
    }

    @Override
    public CvaeConfig configure(Architecture architecture, ParameterValues v, FamilyContext context) {
        check(v);
        ConditionKind kind = kind(v);
        List<String> names = conditionNames(kind, v, context.dataset());
        try {
            return new CvaeConfig(architecture, kind, names);
        } catch (IllegalArgumentException e) {
            throw Parameters.invalid(id(), e);
        }
    }

    private static ConditionKind kind(ParameterValues v) {
        try {
            return v.given("conditioning") ? ConditionKind.parse(v.text("conditioning")) : ConditionKind.LABELS;
        } catch (IllegalArgumentException e) {
            throw VaeforgeException.badParameter("conditioning: " + e.getMessage(), "conditioning");
        }
    }

    /** The dataset's class names, or the chosen attributes after checking the dataset has them. */
    private List<String> conditionNames(ConditionKind kind, ParameterValues v, ImageDataset dataset) {
        List<String> names = kind == ConditionKind.LABELS ? dataset.labelNames() : attributeNames(v, dataset);
        if (kind == ConditionKind.LABELS && names.size() < 2) {
            throw VaeforgeException.badParameter("model cvae conditioning labels: dataset " + dataset.description()
                    + " has " + (names.isEmpty() ? "no class labels" : "a single class " + names)
                    + "; it needs two or more (shapes has 3; folder datasets take them from DIR/<class>/ sub-folders)",
                    "model", "conditioning");
        }
        try {
            // the same check the trainer makes, here so that it fails before anything is written
            DatasetConditions.of(new ConditionSpec(kind, names), dataset);
        } catch (IllegalArgumentException e) {
            throw Parameters.invalid(id(), e);
        }
        return names;
    }

    /**
     * The attribute names to condition on: the given ones, or every attribute the dataset has (CelebA's
     * 40). Names the dataset does not have are refused with the list of those it has.
     */
    private static List<String> attributeNames(ParameterValues v, ImageDataset dataset) {
        List<String> chosen = v.given("attributes") ? new ArrayList<>(v.texts("attributes"))
                : new ArrayList<>(dataset.attributeNames());
        try {
            DatasetConditions.of(new ConditionSpec(ConditionKind.ATTRIBUTES, chosen.isEmpty() ? List.of("?") : chosen),
                    dataset);
        } catch (IllegalArgumentException e) {
            throw VaeforgeException.badParameter("conditioning attributes: " + e.getMessage(), "conditioning");
        }
        return chosen;
    }

    @Override
    public Block newBlock(CvaeConfig config) {
        return new ConditionalVae(config);
    }

    @Override
    public Shape[] inputShapes(CvaeConfig config, long batch) {
        return new Shape[] {new Shape(config.imageShape().batchShape(batch)), new Shape(batch, config.condition().dim())};
    }

    @Override
    public DatasetConditions conditions(CvaeConfig config, ImageDataset data) {
        return DatasetConditions.of(config.condition(), data);
    }

    @Override
    public Objective objective(CvaeConfig config) {
        return VaeLoss.of(config.architecture());
    }
}
