package dev.vaeforge.trainer.train;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.vaeforge.runtime.condition.DatasetConditions;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.trainer.betavae.BetaVaeLoss;
import dev.vaeforge.trainer.capacity.CapacityLoss;
import dev.vaeforge.trainer.cvae.ConditionalVae;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.model.BetaVaeConfig;
import dev.vaeforge.trainer.model.CapacityVaeConfig;
import dev.vaeforge.trainer.model.CvaeConfig;
import dev.vaeforge.trainer.model.ModelConfig;
import dev.vaeforge.trainer.model.VaeConfig;
import dev.vaeforge.trainer.model.VqVaeConfig;
import dev.vaeforge.trainer.vqvae.VqVae;
import dev.vaeforge.trainer.vqvae.VqVaeLoss;
import dev.vaeforge.trainer.vae.ConvVae;
import dev.vaeforge.trainer.vae.VaeLoss;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a model config to its block, loss, inputs and logged values with exhaustive switches over the
 * family (decision 0003): a family added to {@code ModelFamily} without a case here does not compile.
 */
public final class Families {
    private Families() {
    }

    public static Block newBlock(ModelConfig config) {
        return switch (config.family()) {
            case VAE -> new ConvVae((VaeConfig) config);
            case BETA_VAE -> new ConvVae(((BetaVaeConfig) config).architecture());
            case CAPACITY_VAE -> new ConvVae(((CapacityVaeConfig) config).architecture());
            case CVAE -> new ConditionalVae((CvaeConfig) config);
            case VQVAE -> new VqVae((VqVaeConfig) config);
        };
    }

    /** The objective at the start of training (step 0); the loop moves it along with {@link Objective#atStep}. */
    public static Objective objective(ModelConfig config) {
        return switch (config.family()) {
            case VAE -> VaeLoss.of((VaeConfig) config);
            case BETA_VAE -> new BetaVaeLoss((BetaVaeConfig) config).atStep(0, 1);
            case CAPACITY_VAE -> new CapacityLoss((CapacityVaeConfig) config);
            case CVAE -> VaeLoss.of(((CvaeConfig) config).architecture());
            case VQVAE -> new VqVaeLoss((VqVaeConfig) config);
        };
    }

    /** The NCHW input shape for initialising the block with a batch of {@code batch} images. */
    public static Shape inputShape(ModelConfig config, long batch) {
        return new Shape(config.imageShape().batchShape(batch));
    }

    /** Every input's shape for initialising the block: the images, and y[N, A] for a conditional family. */
    public static Shape[] inputShapes(ModelConfig config, long batch) {
        return switch (config.family()) {
            case VAE, BETA_VAE, CAPACITY_VAE, VQVAE -> new Shape[] {inputShape(config, batch)};
            case CVAE -> new Shape[] {inputShape(config, batch), new Shape(batch, ((CvaeConfig) config).condition().dim())};
        };
    }

    /**
     * The condition of every image of {@code data} for a conditional family, null for the others.
     *
     * @throws IllegalArgumentException naming what {@code data} lacks (labels, a class, attributes)
     */
    public static DatasetConditions conditions(ModelConfig config, ImageDataset data) {
        return switch (config.family()) {
            case VAE, BETA_VAE, CAPACITY_VAE, VQVAE -> null;
            case CVAE -> DatasetConditions.of(((CvaeConfig) config).condition(), data);
        };
    }

    /** The names of the scheduled weights the family logs per epoch ("beta", "capacity"). */
    public static List<String> scheduledValues(ModelConfig config) {
        return switch (config.family()) {
            case VAE, CVAE, VQVAE -> List.of();
            case BETA_VAE -> List.of("beta");
            case CAPACITY_VAE -> List.of("capacity");
        };
    }

    /** Latent dimensions whose KL is logged per epoch (klPerDim); 0 for vqvae, which has no KL. */
    public static int latentDim(ModelConfig config) {
        return switch (config.family()) {
            case VAE -> ((VaeConfig) config).latentDim();
            case BETA_VAE -> ((BetaVaeConfig) config).latentDim();
            case CAPACITY_VAE -> ((CapacityVaeConfig) config).latentDim();
            case CVAE -> ((CvaeConfig) config).latentDim();
            case VQVAE -> 0;
        };
    }

    /** Codebook size K of a quantized family (code usage is logged per epoch), 0 for the others. */
    public static int codebookSize(ModelConfig config) {
        return switch (config.family()) {
            case VAE, BETA_VAE, CAPACITY_VAE, CVAE -> 0;
            case VQVAE -> ((VqVaeConfig) config).codebookSize();
        };
    }

    /** The metrics.csv header of a run of {@code config}: {@link EpochMetrics#COLUMNS}, then the family's extras. */
    public static List<String> metricColumns(ModelConfig config) {
        List<String> c = new ArrayList<>(EpochMetrics.COLUMNS);
        c.addAll(scheduledValues(config));
        for (int d = 0; d < latentDim(config); d++) {
            c.add(EpochMetrics.KL_DIM_COLUMN + d);
        }
        if (codebookSize(config) > 0) {
            c.addAll(EpochMetrics.CODE_COLUMNS);
        }
        return c;
    }
}
