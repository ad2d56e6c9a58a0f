package dev.vaeforge.trainer.posterior;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.vaeforge.trainer.nn.Scalars;

/**
 * Planar flows (Rezende and Mohamed 2015, section 4.1), amortised as in the paper: the context holds each
 * image's flow parameters, step k reading u_k [D], w_k [D] and b_k (C = K (2D + 1), in that order per
 * step). Step k is f(z) = z + û tanh(wᵀz + b) with log |det| = log |1 + (1 - tanh²(wᵀz + b)) wᵀû|, where
 * û = u + (m(wᵀu) - wᵀu) w / (|w|² + ε), m(a) = -1 + softplus(a), the paper's appendix-A constraint
 * wᵀû >= -1 that keeps f invertible. With u = w = b = 0 the step is the identity.
 */
public final class PlanarFlow extends PosteriorFlow {
    /** ε in û's denominator (so that w = 0 gives û = u, not 0/0). */
    public static final double W_EPS = 1e-8;
    /** The floor under |det| before the log (reached only where wᵀû rounds to -1). */
    public static final double DET_FLOOR = 1e-20;

    public PlanarFlow(int latentDim, int steps) {
        super(latentDim, steps);
    }

    @Override
    public int contextDim() {
        return steps * (2 * latentDim + 1);
    }

    @Override
    protected NDArray[] step(ParameterStore ps, int k, NDArray z, NDArray context, boolean training) {
        int d = latentDim;
        int off = k * (2 * d + 1);
        NDArray u = context.get(":, " + off + ":" + (off + d));
        NDArray w = context.get(":, " + (off + d) + ":" + (off + 2 * d));
        NDArray b = context.get(":, " + (off + 2 * d) + ":" + (off + 2 * d + 1));
        NDArray wu = w.mul(u).sum(new int[] {1}, true);
        NDArray m = softplus(wu).sub(Scalars.of(wu, 1));
        NDArray wsq = w.square().sum(new int[] {1}, true).add(Scalars.of(wu, W_EPS));
        NDArray uHat = u.add(m.sub(wu).div(wsq).mul(w));
        NDArray t = w.mul(z).sum(new int[] {1}, true).add(b).tanh();
        NDArray out = z.add(uHat.mul(t));
        NDArray wuHat = w.mul(uHat).sum(new int[] {1}, true);
        NDArray det = Scalars.of(t, 1).add(Scalars.of(t, 1).sub(t.square()).mul(wuHat));
        NDArray logDet = Scalars.maximum(det.abs(), DET_FLOOR).log().squeeze(1);
        return new NDArray[] {out, logDet};
    }
}
