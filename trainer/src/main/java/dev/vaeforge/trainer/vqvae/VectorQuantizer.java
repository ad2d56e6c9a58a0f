package dev.vaeforge.trainer.vqvae;

import dev.vaeforge.trainer.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;

/**
 * Nearest-neighbour vector quantisation (van den Oord et al. 2017): z_e[N,D,h,w] -> [z_st, z_e, z_q,
 * indices[N,h,w]] with
 * <ul>
 *   <li>indices = argmin_k ||z - e_k||^2, computed as ||z||^2 - 2 z.e_k + ||e_k||^2 (the exported
 *   quantizer graph uses the same formula, so both pick the same code); ties go to the lowest index, as
 *   in PyTorch's and ONNX's ArgMin;</li>
 *   <li>z_q = e_indices, a one-hot matrix product with the codebook (differentiable in the codebook when
 *   it is trained by the loss);</li>
 *   <li>z_st = z_e + sg(z_q - z_e): the straight-through estimator, equal to z_q in value with the
 *   gradient of z_e, which the decoder reads.</li>
 * </ul>
 *
 * <p>State that is not trained by the optimiser lives in non-trainable parameters, like batch norm's
 * running statistics: the EMA cluster sizes {@code ema_cluster_size} [K] and sums {@code ema_embed_sum}
 * [K,D], and {@code unused_steps} [K], the training steps since each code was last picked. They are
 * therefore in every checkpoint's weights file and session snapshot (so resume is exact), and a step
 * refused by the NaN guard puts them back with the other forward-pass state. In training mode the
 * forward pass updates them after z_q is computed (with the batch's codebook): the EMA update
 * ({@link EmaCodebook}) when {@code ema}, then dead-code restarts: a code unused for
 * {@code deadCodeSteps} steps is set to an encoder output of the current batch picked with the
 * engine's generator (reseeded per batch by the training loop, so the choice is reproducible).
 */
public final class VectorQuantizer extends AbstractBlock {
    private static final byte VERSION = 1;
    private static final NDIndex ALL = new NDIndex("...");

    private final int k;
    private final int d;
    private final boolean ema;
    private final double decay;
    private final double epsilon;
    private final int deadCodeSteps;
    private final Parameter codebook;
    private final Parameter clusterSize;
    private final Parameter embedSum;
    private final Parameter unusedSteps;

    /**
     * @param deadCodeSteps restart a code after this many steps without use; 0 = never
     */
    public VectorQuantizer(int codebookSize, int codeDim, boolean ema, double decay, double epsilon,
                           int deadCodeSteps) {
        super(VERSION);
        this.k = codebookSize;
        this.d = codeDim;
        this.ema = ema;
        this.decay = decay;
        this.epsilon = epsilon;
        this.deadCodeSteps = deadCodeSteps;
        // the paper's reference code initialises the codebook uniformly in [-1/K, 1/K]
        this.codebook = addParameter(Parameter.builder().setName("codebook").setType(Parameter.Type.OTHER)
                .optShape(new Shape(k, d)).optInitializer(new UniformInitializer(1f / k)).optRequiresGrad(!ema).build());
        // EMA state starts as if every code had been assigned once to itself: e = m / N is then the
        // initial codebook, and an unused code keeps its value instead of drifting to m / eps
        this.clusterSize = addParameter(Parameter.builder().setName("ema_cluster_size").setType(Parameter.Type.OTHER)
                .optShape(new Shape(k)).optInitializer(new ConstantInitializer(1f)).optRequiresGrad(false).build());
        this.embedSum = addParameter(Parameter.builder().setName("ema_embed_sum").setType(Parameter.Type.OTHER)
                .optShape(new Shape(k, d)).optInitializer(new ConstantInitializer(0f)).optRequiresGrad(false).build());
        this.unusedSteps = addParameter(Parameter.builder().setName("unused_steps").setType(Parameter.Type.OTHER)
                .optShape(new Shape(k)).optInitializer(new ConstantInitializer(0f)).optRequiresGrad(false).build());
    }

    public int codebookSize() {
        return k;
    }

    public int codeDim() {
        return d;
    }

    public boolean ema() {
        return ema;
    }

    /** The codebook [K, D] (a trainable parameter unless {@link #ema()}). */
    public Parameter codebook() {
        return codebook;
    }

    public Parameter clusterSize() {
        return clusterSize;
    }

    public Parameter embedSum() {
        return embedSum;
    }

    public Parameter unusedSteps() {
        return unusedSteps;
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        super.initialize(manager, dataType, inputShapes);
        // m = N * e with N = 1
        embedSum.getArray().set(ALL, codebook.getArray().duplicate());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ze = inputs.singletonOrThrow();
        Shape s = ze.getShape();
        long n = s.get(0);
        long h = s.get(2);
        long w = s.get(3);
        NDArray cb = ps.getValue(codebook, ze.getDevice(), training);
        NDArray flat = ze.transpose(0, 2, 3, 1).reshape(-1, d);
        NDArray indices = nearest(flat.stopGradient(), cb.stopGradient());
        NDArray oneHot = indices.oneHot(k);
        NDArray zq = oneHot.matMul(cb).reshape(n, h, w, d).transpose(0, 3, 1, 2);
        NDArray st = ze.add(zq.sub(ze).stopGradient());
        if (training) {
            update(flat.stopGradient(), oneHot);
        }
        return new NDList(st, ze, zq, indices.reshape(n, h, w));
    }

    /**
     * argmin_k ||z - e_k||^2 per row of {@code flat} [M, D] against {@code cb} [K, D], as int64 [M], with
     * the squared distance written ||z||^2 - 2 z.e + ||e||^2.
     */
    public static NDArray nearest(NDArray flat, NDArray cb) {
        long kk = cb.getShape().get(0);
        NDArray dist = flat.square().sum(new int[] {1}, true)
                .sub(Scalars.mul(flat.matMul(cb.transpose()), 2))
                .add(cb.square().sum(new int[] {1}).reshape(1, kk));
        return dist.argMin(1);
    }

    /** EMA update and dead-code restarts after one training batch. */
    private void update(NDArray flat, NDArray oneHot) {
        float[] counts = oneHot.sum(new int[] {0}).toFloatArray();
        float[] book = codebook.getArray().toFloatArray();
        float[] sizes = clusterSize.getArray().toFloatArray();
        float[] sums = embedSum.getArray().toFloatArray();
        if (ema) {
            float[] batchSums = oneHot.transpose().matMul(flat).toFloatArray();
            book = EmaCodebook.update(sizes, sums, counts, batchSums, decay, epsilon);
        }
        float[] unused = unusedSteps.getArray().toFloatArray();
        long m = flat.getShape().get(0);
        boolean changed = ema;
        float[] u = deadCodeSteps > 0 ? flat.getManager().randomUniform(0f, 1f, new Shape(k)).toFloatArray() : null;
        for (int i = 0; i < k; i++) {
            unused[i] = counts[i] > 0 ? 0 : unused[i] + 1;
            if (deadCodeSteps > 0 && unused[i] >= deadCodeSteps) {
                long row = Math.min(m - 1, (long) (u[i] * m));
                float[] v = flat.get(row).toFloatArray();
                System.arraycopy(v, 0, book, i * d, d);
                System.arraycopy(v, 0, sums, i * d, d);
                sizes[i] = 1f;
                unused[i] = 0;
                changed = true;
            }
        }
        NDManager mm = flat.getManager();
        boolean grad = JniUtils.isGradMode();
        // in-place writes to parameters, as an optimiser does them: outside the autograd graph
        JniUtils.setGradMode(false);
        try {
            if (changed) {
                codebook.getArray().set(ALL, mm.create(book, new Shape(k, d)));
            }
            clusterSize.getArray().set(ALL, mm.create(sizes, new Shape(k)));
            embedSum.getArray().set(ALL, mm.create(sums, new Shape(k, d)));
            unusedSteps.getArray().set(ALL, mm.create(unused, new Shape(k)));
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        Shape grid = new Shape(s.get(0), s.get(2), s.get(3));
        return new Shape[] {s, s, s, grid};
    }

    @Override
    public String toString() {
        return "VectorQuantizer(K=" + k + ", D=" + d + (ema ? ", ema" : "") + ")";
    }
}
