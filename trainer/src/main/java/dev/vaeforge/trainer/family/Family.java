package dev.vaeforge.trainer.family;

import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.condition.DatasetConditions;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.trainer.loss.LossTerms;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.train.LossTotals;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model family as a plug-in: everything the trainer and the CLI need to know about it, in the
 * family's own package, registered in {@link FamilyRegistry}. Nothing outside that package names the
 * family. The defaults describe a family with one network, a Gaussian latent vector and images as
 * the only input.
 *
 * @param <C> the family's config record
 */
public interface Family<C extends ModelConfig> {

    /** The id: {@code --model} on the command line, "family" in config.json. */
    String id();

    /** One line for help and docs. */
    String summary();

    Class<C> configType();

    /** The family's own train parameters, in help order; names are unique across families. */
    default List<FamilyParameter> parameters() {
        return List.of();
    }

    /**
     * Refuses parameter values that are out of range or do not fit together, before any data is read.
     *
     * @throws VaeforgeException {@link VaeforgeException#badParameter} naming the parameters
     */
    default void check(ParameterValues values) {
    }

    /**
     * The config of a new run around {@code architecture}: {@link #check}, then the record.
     *
     * @throws VaeforgeException {@link VaeforgeException#badParameter} naming the parameters (an invalid
     *     combination the record refuses names "model")
     */
    C configure(Architecture architecture, ParameterValues values, FamilyContext context);

    /** How the dataset must be opened for a new run with {@code values} (cvae on labels: folder labels). */
    default DatasetOptions datasetOptions(ParameterValues values, DatasetOptions options) {
        return options;
    }

    /** How the dataset must be opened for a run of {@code config} (a resume). */
    default DatasetOptions datasetOptions(C config, DatasetOptions options) {
        return options;
    }

    /**
     * Whether the latent is a vector of {@link Architecture#latentDim()} (written to config.json);
     * false for a family whose architecture's latentDim is unused.
     */
    default boolean usesLatentDim() {
        return true;
    }

    /**
     * Whether the family trains against a learned prior ({@link Architecture#prior()}): a Gaussian latent
     * whose objective takes its KL from {@code PriorTerms}. False for the others, which refuse one.
     */
    default boolean learnedPrior() {
        return false;
    }

    /**
     * Refuses a learned prior for a family that has none, naming what it applies to.
     *
     * @throws VaeforgeException {@link VaeforgeException#badParameter} naming "prior"
     */
    default void checkPrior(dev.vaeforge.trainer.prior.PriorSpec prior) {
        if (prior.learned() && !learnedPrior()) {
            throw VaeforgeException.badParameter("prior " + prior.kind() + " applies to the families "
                    + "with a Gaussian latent trained on an ELBO (" + String.join(", ", FamilyRegistry.withLearnedPriors())
                    + "), not to model " + id(), "prior");
        }
    }

    /**
     * Whether the family takes a flow posterior ({@link Architecture#posterior()}): a Gaussian latent with
     * one posterior draw per image whose objective takes its KL from {@code PriorTerms}. False for the
     * others, which refuse one.
     */
    default boolean flowPosterior() {
        return false;
    }

    /**
     * Refuses a flow posterior for a family without one, and together with a learned prior, naming what is
     * allowed.
     *
     * @throws VaeforgeException {@link VaeforgeException#badParameter} naming "posterior" (and "prior")
     */
    default void checkPosterior(dev.vaeforge.trainer.posterior.PosteriorSpec posterior,
                                dev.vaeforge.trainer.prior.PriorSpec prior) {
        if (!posterior.flow()) {
            return;
        }
        if (!flowPosterior()) {
            throw VaeforgeException.badParameter("posterior " + posterior.kind() + " applies to the families with a "
                    + "Gaussian latent and one posterior draw per image (" + String.join(", ",
                    FamilyRegistry.withFlowPosteriors()) + "), not to model " + id() + "; use --posterior gaussian",
                    "posterior");
        }
        if (prior.learned()) {
            throw VaeforgeException.badParameter("posterior " + posterior.kind() + " does not combine with prior "
                    + prior.kind() + (prior.vamp() ? ": that prior's components are the posteriors of its pseudo-inputs, "
                    + "whose density under a flow needs the flow's inverse at every latent"
                    : ": a flow posterior and a flow prior in one model are not supported yet")
                    + "; use --prior standard with it", "posterior", "prior");
        }
    }

    /** A new, uninitialised block. */
    Block newBlock(C config);

    /** Every input's shape for initialising the block with a batch of {@code batch}: the images, by default. */
    default Shape[] inputShapes(C config, long batch) {
        return new Shape[] {new Shape(config.imageShape().batchShape(batch))};
    }

    /**
     * The condition of every image of {@code data}, for a family whose block takes one next to the
     * images; null for the others.
     *
     * @throws IllegalArgumentException naming what {@code data} lacks
     */
    default DatasetConditions conditions(C config, ImageDataset data) {
        return null;
    }

    /** The objective at the start of training (step 0); the loop moves it along with {@link Objective#atStep}. */
    Objective objective(C config);

    /**
     * The two named terms of {@link LossTerms#terms()} logged as the reconstruction and the KL columns of
     * the metrics (trainRecon, trainKl, ...); the family's other terms are logged as extras.
     */
    default List<String> loggedTerms() {
        return List.of(LossTerms.RECONSTRUCTION, LossTerms.KL);
    }

    /**
     * The networks of a family trained adversarially, each with its own loss and optimiser, in the order
     * their losses are differentiated; empty for a family with one objective.
     */
    default List<String> networks(C config) {
        return List.of();
    }

    /**
     * The network a parameter belongs to: by default the block's child it sits in ("01encoder_..." ->
     * "encoder").
     *
     * @throws IllegalArgumentException if the name is not under one of {@link #networks}
     */
    default String network(C config, String parameterName) {
        int cut = parameterName.indexOf('_');
        String child = (cut < 0 ? parameterName : parameterName.substring(0, cut)).replaceFirst("^[0-9]+", "");
        if (!networks(config).contains(child)) {
            throw new IllegalArgumentException("parameter '" + parameterName + "' is in none of the networks "
                    + networks(config) + " of family " + id());
        }
        return child;
    }

    /** The metrics.csv header of a run of {@code config}, {@link EpochMetrics#COLUMNS} first. */
    default List<String> metricColumns(C config) {
        return EpochMetrics.columns(List.of(), config.architecture().latentDim(), List.of());
    }

    /**
     * Adds what the family measures on held-out data besides the loss terms, one batch of {@code count}
     * images: the KL per latent dimension by default.
     */
    default void measure(C config, LossTerms terms, int count, LossTotals totals) {
        if (terms.tensor(LossTerms.KL_PER_DIM) != null) {
            totals.addKlPerDim(count, terms.tensor(LossTerms.KL_PER_DIM).toFloatArray());
        }
    }

    /**
     * An epoch's metrics with the family's own values added ({@code metrics} has the base columns, the
     * scheduled weights and the KL per dimension already).
     */
    default EpochMetrics epochMetrics(C config, EpochMetrics metrics, LossTotals train, LossTotals test) {
        return metrics;
    }

    /**
     * For the training logs: the images in [0, 1] the model gives the first {@code n} images of a batch
     * whose inference-mode outputs are {@code outputs}. By default the sigmoid of the block's first
     * output, which every family's decoder produces as logits (as the exported x_hat graphs do).
     */
    default NDArray reconstructions(C config, NDList outputs, int n) {
        NDArray logits = outputs.get(0);
        return Activation.sigmoid(logits.get(new NDIndex("0:" + n)));
    }

    /**
     * For the training logs: the posterior means [n, D] of the first {@code n} images of a batch, from its
     * inference-mode outputs; null for a family without a Gaussian latent vector. By default the
     * block's second output where the family has a latent vector ({@link #usesLatentDim}): every such
     * family's block returns (logits, mu, logvar, ...).
     */
    default NDArray posteriorMeans(C config, NDList outputs, int n) {
        return usesLatentDim() && outputs.size() > 1 ? outputs.get(1).get(new NDIndex("0:" + n)) : null;
    }

    /**
     * For the training logs: images in [0, 1] decoded in inference mode from the prior draws {@code z}
     * [n, D] (drawn by the caller from N(0, I) with a fixed seed; a family with a learned prior maps them to
     * draws of that prior); null for a family that cannot decode
     * a bare latent vector (none by default).
     */
    default NDArray decodePrior(C config, Block block, NDArray z) {
        return null;
    }

    /** What the reconstruction and the KL columns hold, in words, for a training summary. */
    default List<String> termLabels() {
        return List.of("recon", "KL");
    }

    /** Further lines of a training summary by label ("codes" -> "perplexity 3.2, ..."); none by default. */
    default Map<String, String> summary(EpochMetrics last) {
        return new LinkedHashMap<>();
    }
}
