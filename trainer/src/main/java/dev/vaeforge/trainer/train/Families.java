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
import dev.vaeforge.trainer.model.VaeGanConfig;
import dev.vaeforge.trainer.model.VqVaeConfig;
import dev.vaeforge.trainer.vaegan.VaeGan;
import dev.vaeforge.trainer.vaegan.VaeGanLoss;
import dev.vaeforge.trainer.vqvae.VqVae;
import dev.vaeforge.trainer.vqvae.VqVaeLoss;
import dev.vaeforge.trainer.vae.ConvVae;
import dev.vaeforge.trainer.vae.VaeLoss;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
            case VAEGAN -> new VaeGan((VaeGanConfig) config);
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
            case VAEGAN -> new VaeGanLoss((VaeGanConfig) config);
        };
    }

    /** The NCHW input shape for initialising the block with a batch of {@code batch} images. */
    public static Shape inputShape(ModelConfig config, long batch) {
        return new Shape(config.imageShape().batchShape(batch));
    }

    /** Every input's shape for initialising the block: the images, and y[N, A] for a conditional family. */
    public static Shape[] inputShapes(ModelConfig config, long batch) {
        return switch (config.family()) {
            case VAE, BETA_VAE, CAPACITY_VAE, VQVAE, VAEGAN -> new Shape[] {inputShape(config, batch)};
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
            case VAE, BETA_VAE, CAPACITY_VAE, VQVAE, VAEGAN -> null;
            case CVAE -> DatasetConditions.of(((CvaeConfig) config).condition(), data);
        };
    }

    /** The names of the scheduled weights the family logs per epoch ("beta", "capacity"). */
    public static List<String> scheduledValues(ModelConfig config) {
        return switch (config.family()) {
            case VAE, CVAE, VQVAE, VAEGAN -> List.of();
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
            case VAEGAN -> ((VaeGanConfig) config).latentDim();
        };
    }

    /** Codebook size K of a quantized family (code usage is logged per epoch), 0 for the others. */
    public static int codebookSize(ModelConfig config) {
        return switch (config.family()) {
            case VAE, BETA_VAE, CAPACITY_VAE, CVAE, VAEGAN -> 0;
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
        c.addAll(extraColumns(config, Map.of(), Map.of()).keySet());
        return c;
    }

    /**
     * The networks of a family trained adversarially, each with its own loss and optimiser, in the order
     * their losses are differentiated; empty for the families with one objective.
     */
    public static List<String> networks(ModelConfig config) {
        return switch (config.family()) {
            case VAE, BETA_VAE, CAPACITY_VAE, CVAE, VQVAE -> List.of();
            case VAEGAN -> VaeGanLoss.NETWORKS;
        };
    }

    /**
     * The network a parameter belongs to, from its name: the block's child it sits in ("01encoder_..."
     * -> "encoder").
     *
     * @throws IllegalArgumentException if the name is not under one of {@link #networks}
     */
    public static String network(ModelConfig config, String parameterName) {
        int cut = parameterName.indexOf('_');
        String child = (cut < 0 ? parameterName : parameterName.substring(0, cut)).replaceFirst("^[0-9]+", "");
        if (!networks(config).contains(child)) {
            throw new IllegalArgumentException("parameter '" + parameterName + "' is in none of the networks "
                    + networks(config) + " of family " + config.family().id());
        }
        return child;
    }

    /**
     * The family's further metrics columns, in CSV order, with the epoch's values where given: for
     * vaegan train and test means of {@link VaeGanLoss#EXTRAS} ("trainDiscLoss", "testDiscLoss", ...),
     * then the share of steps that updated the decoder and the discriminator (the equilibrium rule's
     * effect). Empty for the other families.
     *
     * @param train the training epoch's mean extras ({@link LossTotals#meanExtras()})
     * @param test the test evaluation's
     */
    public static Map<String, Double> extraColumns(ModelConfig config, Map<String, Double> train, Map<String, Double> test) {
        Map<String, Double> c = new LinkedHashMap<>();
        switch (config.family()) {
            case VAE, BETA_VAE, CAPACITY_VAE, CVAE, VQVAE -> {
            }
            case VAEGAN -> {
                for (String e : VaeGanLoss.EXTRAS) {
                    String cap = e.substring(0, 1).toUpperCase(Locale.ROOT) + e.substring(1);
                    c.put("train" + cap, train.getOrDefault(e, Double.NaN));
                    c.put("test" + cap, test.getOrDefault(e, Double.NaN));
                }
                c.put("decoderUpdateRate", train.getOrDefault("decoder" + TrainingSession.UPDATED, Double.NaN));
                c.put("discriminatorUpdateRate", train.getOrDefault("discriminator" + TrainingSession.UPDATED, Double.NaN));
            }
        }
        return c;
    }
}
