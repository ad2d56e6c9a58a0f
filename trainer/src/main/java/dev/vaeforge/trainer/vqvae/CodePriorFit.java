package dev.vaeforge.trainer.vqvae;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.vaeforge.runtime.bundle.CodePrior;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;

/**
 * The empirical code prior of a trained VQ-VAE: each grid position's code counted over a set of images
 * (the training set) with the DJL model in inference mode. Training-side work; the exporter stores the
 * result as a bundle's code_prior.json (prior "codes-empirical").
 */
public final class CodePriorFit {
    private static final int BATCH = 64;

    private CodePriorFit() {
    }

    /** Counts each grid position's nearest code over {@code data}, {@value #BATCH} images at a time. */
    public static CodePrior fit(VqVae vq, ImageDataset data) {
        var c = vq.config();
        ImageShape s = c.imageShape();
        if (!s.equals(data.shape())) {
            throw new IllegalArgumentException("the code prior data has shape " + data.shape() + ", the model " + s);
        }
        int n = data.size();
        int positions = c.gridSize() * c.gridSize();
        long[] indices = new long[n * positions];
        try (NDManager m = NDManager.newBaseManager()) {
            for (int from = 0; from < n; from += BATCH) {
                int cnt = Math.min(BATCH, n - from);
                float[] px = new float[cnt * s.size()];
                for (int i = 0; i < cnt; i++) {
                    data.read(from + i, px, i * s.size());
                }
                try (NDManager sm = m.newSubManager()) {
                    NDList out = vq.forward(new ParameterStore(sm, false),
                            new NDList(sm.create(px, new Shape(s.batchShape(cnt)))), false);
                    // VqVae's outputs: logits, z_e, z_q, indices[N,h,w]
                    System.arraycopy(out.get(3).toLongArray(), 0, indices, from * positions, cnt * positions);
                }
            }
        }
        return CodePrior.fit(indices, n, c.codebookSize(), c.gridSize(), c.gridSize());
    }
}
