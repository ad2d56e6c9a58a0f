package dev.vaeforge.trainer.train;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.vaeforge.trainer.loss.Objective;
import dev.vaeforge.trainer.model.ModelConfig;
import dev.vaeforge.trainer.model.VaeConfig;
import dev.vaeforge.trainer.vae.ConvVae;
import dev.vaeforge.trainer.vae.VaeLoss;

/**
 * Maps a model config to its block and loss. ModelConfig is sealed; with Java 21 these become
 * exhaustive pattern switches, on Java 17 an instanceof per family and an unreachable fallback.
 */
public final class Families {
    private Families() {
    }

    public static Block newBlock(ModelConfig config) {
        if (config instanceof VaeConfig vae) {
            return new ConvVae(vae);
        }
        throw unknown(config);
    }

    public static Objective objective(ModelConfig config) {
        if (config instanceof VaeConfig vae) {
            return VaeLoss.of(vae);
        }
        throw unknown(config);
    }

    /** The NCHW input shape for initialising the block with a batch of {@code batch} images. */
    public static Shape inputShape(ModelConfig config, long batch) {
        return new Shape(config.imageShape().batchShape(batch));
    }

    private static IllegalArgumentException unknown(ModelConfig config) {
        return new IllegalArgumentException("no trainer for model family '" + config.family() + "'");
    }
}
