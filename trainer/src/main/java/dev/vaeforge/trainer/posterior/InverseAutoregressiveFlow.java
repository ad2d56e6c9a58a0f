package dev.vaeforge.trainer.posterior;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.XavierInitializer;
import dev.vaeforge.trainer.nn.Scalars;
import java.util.ArrayList;
import java.util.List;

/**
 * Inverse autoregressive flow (Kingma et al. 2016, algorithm 1) with one MADE layer per step (Germain et
 * al. 2015) taking the encoder's context h [N, C]:
 * <pre>
 *   a   = relu((W1 ∘ M1) z + Wc h + b1)                 [N, H]
 *   m   = (Wm ∘ M2) a + bm,   s = (Ws ∘ M2) a + bs        [N, D], output d sees only z_{&lt;d} in step k's order
 *   σ   = sigmoid(s + c) / sigmoid(c)                     the paper's gated update with forget bias c,
 *   z'  = σ ∘ z + (1 - σ) ∘ m                             normalised so that s = 0 gives σ = 1
 *   log |det| = sum_d log σ_d = sum_d (softplus(-c) - softplus(-(s_d + c)))
 * </pre>
 * Odd steps use the reversed order (instead of a permutation between steps). The gate is bounded
 * (0 < σ < 1 / sigmoid(c)), which is what makes the update numerically stable; the normalisation by
 * sigmoid(c) is ours, so that zero parameters are exactly the identity. H = C = max(16, 2D).
 */
public final class InverseAutoregressiveFlow extends PosteriorFlow {
    /** c, the gate's forget bias. */
    public static final double FORGET_BIAS = 2.0;
    private final int hidden;
    private final List<Parameter[]> params = new ArrayList<>();
    /** Per step: M1 [H, D] then M2 [D, H], row-major, 0/1. */
    private final List<float[][]> masks = new ArrayList<>();

    public InverseAutoregressiveFlow(int latentDim, int steps) {
        super(latentDim, steps);
        this.hidden = Math.max(16, 2 * latentDim);
        for (int k = 0; k < steps; k++) {
            params.add(new Parameter[] {
                    weight("step" + k + "_w1", hidden, latentDim), bias("step" + k + "_b1", hidden),
                    weight("step" + k + "_wc", hidden, hidden),
                    weight("step" + k + "_wm", latentDim, hidden), bias("step" + k + "_bm", latentDim),
                    weight("step" + k + "_ws", latentDim, hidden), bias("step" + k + "_bs", latentDim)});
            masks.add(masks(latentDim, hidden, k % 2 == 1));
        }
    }

    private Parameter weight(String name, int rows, int cols) {
        return addParameter(Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(rows, cols)).optInitializer(new XavierInitializer()).build());
    }

    private Parameter bias(String name, int n) {
        return addParameter(Parameter.builder().setName(name).setType(Parameter.Type.BIAS)
                .optShape(new Shape(n)).optInitializer(new ConstantInitializer(0)).build());
    }

    /**
     * MADE's masks for one step: input d has degree d + 1 (D - d reversed), hidden unit j degree
     * 1 + j mod max(1, D - 1); M1[j, d] = deg(j) >= deg(d), M2[d, j] = deg(d) > deg(j), so output d
     * depends on the inputs of lower degree only.
     */
    static float[][] masks(int d, int h, boolean reversed) {
        float[] m1 = new float[h * d];
        float[] m2 = new float[d * h];
        for (int j = 0; j < h; j++) {
            int hd = 1 + j % Math.max(1, d - 1);
            for (int i = 0; i < d; i++) {
                int deg = reversed ? d - i : i + 1;
                m1[j * d + i] = hd >= deg ? 1 : 0;
                m2[i * h + j] = deg > hd ? 1 : 0;
            }
        }
        return new float[][] {m1, m2};
    }

    @Override
    public int contextDim() {
        return hidden;
    }

    /** H, the MADE layer's hidden units. */
    public int hidden() {
        return hidden;
    }

    /** Step k's parameters: w1, b1, wc, wm, bm, ws, bs. */
    public Parameter[] parameters(int k) {
        return params.get(k).clone();
    }

    /** Step k's masks M1 [H, D] and M2 [D, H], row-major. */
    public float[][] masks(int k) {
        float[][] m = masks.get(k);
        return new float[][] {m[0].clone(), m[1].clone()};
    }

    @Override
    protected NDArray[] step(ParameterStore ps, int k, NDArray z, NDArray context, boolean training) {
        Device dev = z.getDevice();
        Parameter[] p = params.get(k);
        float[][] mk = masks.get(k);
        NDArray m1 = z.getManager().create(mk[0], new Shape(hidden, latentDim)).toType(z.getDataType(), false);
        NDArray m2 = z.getManager().create(mk[1], new Shape(latentDim, hidden)).toType(z.getDataType(), false);
        NDArray w1 = ps.getValue(p[0], dev, training).mul(m1);
        NDArray b1 = ps.getValue(p[1], dev, training);
        NDArray wc = ps.getValue(p[2], dev, training);
        NDArray wm = ps.getValue(p[3], dev, training).mul(m2);
        NDArray bm = ps.getValue(p[4], dev, training);
        NDArray ws = ps.getValue(p[5], dev, training).mul(m2);
        NDArray bs = ps.getValue(p[6], dev, training);
        NDArray a = Activation.relu(z.matMul(w1.transpose()).add(context.matMul(wc.transpose())).add(b1));
        NDArray m = a.matMul(wm.transpose()).add(bm);
        NDArray s = a.matMul(ws.transpose()).add(bs);
        NDArray logSigma = softplus(s.add(Scalars.of(s, FORGET_BIAS)).neg()).neg()
                .add(softplus(Scalars.of(s, -FORGET_BIAS))); // the same kernel on both: exactly 0 at s = 0
        NDArray sigma = logSigma.exp();
        NDArray out = sigma.mul(z).add(Scalars.of(sigma, 1).sub(sigma).mul(m));
        return new NDArray[] {out, logSigma.sum(new int[] {1})};
    }
}
