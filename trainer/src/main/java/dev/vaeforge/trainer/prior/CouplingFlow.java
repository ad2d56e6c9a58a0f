package dev.vaeforge.trainer.prior;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.vaeforge.trainer.nn.Activation;
import dev.vaeforge.trainer.nn.Scalars;
import java.util.ArrayList;
import java.util.List;

/**
 * A RealNVP flow f: R^D -> R^D of affine coupling layers (Dinh, Sohl-Dickstein and Bengio 2017), the
 * learned prior log p(z) = log N(f(z); 0, I) + log |det df/dz|.
 *
 * <p>Coupling layer k keeps the dimensions of its mask m_k (d even for even k, d odd for odd k: the
 * masks alternate, so every dimension is transformed by every other layer) and moves the others:
 * x' = x * exp(s) + t with s = tanh(S_k(h)) * (1 - m_k), t = T_k(h) * (1 - m_k), h = body_k(m_k * x)
 * (two tanh layers of {@code hidden} units). The tanh bounds each layer's log-scale to (-1, 1), so a
 * step cannot blow up or collapse a dimension. log |det| is the sum of s over the transformed
 * dimensions. The heads S_k and T_k start at zero (weights and biases), so a fresh flow is the identity
 * and the fresh prior the standard normal. The inverse, x = (x' - t) * exp(-s), runs the layers in
 * reverse (the kept dimensions, and so s and t, are the same on both sides).
 *
 * <p>The block's forward pass is f: [z] -> [f(z), logdet] with logdet the per-dimension log-scales
 * summed over the layers [N, D]; {@link #inverse()} is a block over the same parameters for f^-1.
 */
public final class CouplingFlow extends AbstractBlock {
    private static final byte VERSION = 1;
    private static final float HALF_LOG_2PI = (float) (0.5 * Math.log(2 * Math.PI));
    private final int dim;
    private final int steps;
    private final int hidden;
    private final List<SequentialBlock> bodies = new ArrayList<>();
    private final List<Linear> scales = new ArrayList<>();
    private final List<Linear> shifts = new ArrayList<>();

    public CouplingFlow(int dim, int steps, int hidden) {
        super(VERSION);
        if (dim < 1 || steps < 1 || hidden < 1) {
            throw new IllegalArgumentException("a coupling flow needs dim, steps and hidden >= 1, got " + dim + ", "
                    + steps + ", " + hidden);
        }
        this.dim = dim;
        this.steps = steps;
        this.hidden = hidden;
        for (int k = 0; k < steps; k++) {
            bodies.add(addChildBlock("body" + k, new SequentialBlock()
                    .add(Linear.builder().setUnits(hidden).build()).add(Activation.tanh())
                    .add(Linear.builder().setUnits(hidden).build()).add(Activation.tanh())));
            scales.add(addChildBlock("scale" + k, Linear.builder().setUnits(dim).build()));
            shifts.add(addChildBlock("shift" + k, Linear.builder().setUnits(dim).build()));
        }
    }

    public int dim() {
        return dim;
    }

    public int steps() {
        return steps;
    }

    public int hidden() {
        return hidden;
    }

    /** Layer k's hidden network, applied to m_k * x. */
    public SequentialBlock body(int k) {
        return bodies.get(k);
    }

    /** Layer k's log-scale head (before the tanh). */
    public Linear scale(int k) {
        return scales.get(k);
    }

    /** Layer k's shift head. */
    public Linear shift(int k) {
        return shifts.get(k);
    }

    /** Layer k's mask m_k [D]: 1 where the layer keeps (conditions on) a dimension, 0 where it moves it. */
    public float[] mask(int k) {
        float[] m = new float[dim];
        for (int d = 0; d < dim; d++) {
            m[d] = d % 2 == k % 2 ? 1f : 0f;
        }
        return m;
    }

    /** The norm ||lambda||_2 of every parameter of the flow, for the training logs. */
    public double parameterNorm() {
        double sum = 0;
        for (Pair<String, Parameter> p : getParameters()) {
            if (p.getValue().isInitialized()) {
                NDArray a = p.getValue().getArray();
                sum += a.square().sum().toType(DataType.FLOAT64, false).getDouble();
            }
        }
        return Math.sqrt(sum);
    }

    /** log p(z) per latent and dimension [N, D]: log N(f(z)_d; 0, 1) + the layers' log-scales of dimension d. */
    public NDArray logDensityPerDimension(ParameterStore ps, NDArray z, boolean training, PairList<String, Object> params) {
        NDList f = forward(ps, new NDList(z), training, params);
        return Scalars.mul(f.get(0).square(), -0.5).sub(HALF_LOG_2PI).add(f.get(1));
    }

    /** z = f^-1(y) for y [N, D]. */
    public NDArray inverse(ParameterStore ps, NDArray y, boolean training, PairList<String, Object> params) {
        NDManager m = y.getManager();
        NDArray x = y;
        for (int k = steps - 1; k >= 0; k--) {
            NDArray[] st = scaleShift(ps, x, k, m, training, params);
            x = x.sub(st[1]).mul(st[0].neg().exp());
        }
        return x;
    }

    /** A block over this flow's parameters whose forward pass is f^-1 (for export parity and sampling). */
    public AbstractBlock inverse() {
        CouplingFlow flow = this;
        return new AbstractBlock(VERSION) {
            @Override
            protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
                return new NDList(flow.inverse(ps, inputs.singletonOrThrow(), training, params));
            }

            @Override
            public Shape[] getOutputShapes(Shape[] inputShapes) {
                return new Shape[] {inputShapes[0]};
            }
        };
    }

    /** [s, t] of layer k at x (both zero on the kept dimensions). */
    private NDArray[] scaleShift(ParameterStore ps, NDArray x, int k, NDManager m, boolean training,
                                 PairList<String, Object> params) {
        NDArray keep = m.create(mask(k));
        NDArray move = keep.neg().add(1f);
        NDArray h = bodies.get(k).forward(ps, new NDList(x.mul(keep)), training, params).singletonOrThrow();
        NDArray s = scales.get(k).forward(ps, new NDList(h), training, params).singletonOrThrow().tanh().mul(move);
        NDArray t = shifts.get(k).forward(ps, new NDList(h), training, params).singletonOrThrow().mul(move);
        return new NDArray[] {s, t};
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDManager m = x.getManager();
        NDArray logdet = null;
        for (int k = 0; k < steps; k++) {
            NDArray[] st = scaleShift(ps, x, k, m, training, params);
            x = x.mul(st[0].exp()).add(st[1]);
            logdet = logdet == null ? st[0] : logdet.add(st[0]);
        }
        return new NDList(x, logdet);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape latent = inputShapes[0];
        Shape h = new Shape(latent.get(0), hidden);
        for (int k = 0; k < steps; k++) {
            bodies.get(k).initialize(manager, dataType, latent);
            scales.get(k).initialize(manager, dataType, h);
            shifts.get(k).initialize(manager, dataType, h);
            // whatever the trainer's initialiser, the heads start at zero: a fresh flow is the identity
            for (Linear head : List.of(scales.get(k), shifts.get(k))) {
                for (Pair<String, Parameter> p : head.getParameters()) {
                    p.getValue().getArray().muli(0f);
                }
            }
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0], inputShapes[0]};
    }
}
