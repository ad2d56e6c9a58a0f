package dev.vaeforge.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A model family's training loss. Keeps the training loop family-agnostic: each family supplies its
 * block and its objective.
 */
public interface Objective {
    /**
     * @param x the input batch, NCHW in [0,1]
     * @param outputs the block's forward output for {@code x}
     */
    LossTerms compute(NDArray x, NDList outputs);
}
