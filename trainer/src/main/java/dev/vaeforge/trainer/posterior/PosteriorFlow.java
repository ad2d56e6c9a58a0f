package dev.vaeforge.trainer.posterior;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * K invertible steps on a latent vector, conditioned on a per-image context from the encoder:
 * (z_0 [N, D], context [N, C]) -> (z_K [N, D], log det [N]) with log det = sum_k log |det df_k/dz_{k-1}|,
 * so that log q_K(z_K|x) = log q_0(z_0|x) - log det. Every kind is the identity (log det 0) when its
 * parameters and its context are zero.
 */
public abstract class PosteriorFlow extends AbstractBlock {
    private static final byte VERSION = 1;
    protected final int latentDim;
    protected final int steps;

    protected PosteriorFlow(int latentDim, int steps) {
        super(VERSION);
        if (latentDim < 1 || steps < 1) {
            throw new IllegalArgumentException("a flow needs latentDim >= 1 and steps >= 1, got " + latentDim + ", "
                    + steps);
        }
        this.latentDim = latentDim;
        this.steps = steps;
    }

    /** The flow {@code spec} names on latents of {@code latentDim}. */
    public static PosteriorFlow of(PosteriorSpec spec, int latentDim) {
        return switch (spec.kind()) {
            case PosteriorSpec.PLANAR -> new PlanarFlow(latentDim, spec.steps());
            case PosteriorSpec.IAF -> new InverseAutoregressiveFlow(latentDim, spec.steps());
            default -> throw new IllegalArgumentException("posterior " + spec.kind() + " is not a flow");
        };
    }

    /** C, the context's width per image. */
    public abstract int contextDim();

    public int latentDim() {
        return latentDim;
    }

    public int steps() {
        return steps;
    }

    /** One step: z [N, D] -> (f_k(z), log |det df_k/dz| [N]). */
    protected abstract NDArray[] step(ParameterStore ps, int k, NDArray z, NDArray context, boolean training);

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray z = inputs.get(0);
        NDArray context = inputs.get(1);
        NDArray logDet = null;
        for (int k = 0; k < steps; k++) {
            NDArray[] r = step(ps, k, z, context, training);
            z = r[0];
            logDet = logDet == null ? r[1] : logDet.add(r[1]);
        }
        return new NDList(z, logDet);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, latentDim), new Shape(n)};
    }

    /** log(1 + exp(x)), stable. */
    static NDArray softplus(NDArray x) {
        return x.getNDArrayInternal().softPlus();
    }
}
