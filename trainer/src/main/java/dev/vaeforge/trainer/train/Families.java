package dev.vaeforge.trainer.train;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.model.ModelConfig;
import dev.vaeforge.trainer.model.VaeConfig;
import dev.vaeforge.trainer.vae.ConvVae;
import dev.vaeforge.trainer.vae.VaeLoss;

/**
 * Maps a model config to its block and loss with exhaustive switches over the family (decision
 * 0003): a family added to {@code ModelFamily} without a case here does not compile.
 */
public final class Families {
    private Families() {
    }

    public static Block newBlock(ModelConfig config) {
        return switch (config.family()) {
            case VAE -> new ConvVae((VaeConfig) config);
        };
    }

    public static Objective objective(ModelConfig config) {
        return switch (config.family()) {
            case VAE -> VaeLoss.of((VaeConfig) config);
        };
    }

    /** The NCHW input shape for initialising the block with a batch of {@code batch} images. */
    public static Shape inputShape(ModelConfig config, long batch) {
        return new Shape(config.imageShape().batchShape(batch));
    }
}
