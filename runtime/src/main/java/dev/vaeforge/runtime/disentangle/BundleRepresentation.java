package dev.vaeforge.runtime.disentangle;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.FactorDataset;

/**
 * A bundle's representation of a factor dataset's images: each factor combination drawn by the dataset
 * and encoded to its posterior mean (disentanglement_lib's {@code mean} representation), in chunks of
 * the runtime's batch. Needs a Gaussian latent; the condition of a conditioned bundle is one fixed
 * vector for every image.
 */
public final class BundleRepresentation implements Representation {
    private final VaeRuntime runtime;
    private final FactorDataset data;
    private final float[] condition;

    /**
     * @param condition [A] for a conditioned bundle, null for the others
     * @throws VaeforgeException (bad input) when the bundle's latent is not Gaussian or its images are not the dataset's
     */
    public BundleRepresentation(VaeRuntime runtime, FactorDataset data, float[] condition, String bundleName) {
        if (!runtime.hasGaussianLatent()) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, bundleName + ": the disentanglement scores"
                    + " need a Gaussian latent (posterior means per image); this bundle's latent is "
                    + runtime.manifest().latent().kind());
        }
        if (!runtime.imageShape().equals(data.shape())) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, bundleName + " takes " + runtime.imageShape()
                    + " images but " + data.description() + " has " + data.shape() + " images");
        }
        this.runtime = runtime;
        this.data = data;
        this.condition = condition;
    }

    public int codeSize() {
        return runtime.latentDim();
    }

    @Override
    public double[][] codes(int[][] factors) {
        int n = factors.length;
        int per = data.shape().size();
        int d = runtime.latentDim();
        double[][] out = new double[n][];
        int chunk = runtime.maxBatch();
        for (int from = 0; from < n; from += chunk) {
            int b = Math.min(chunk, n - from);
            float[] x = new float[b * per];
            for (int i = 0; i < b; i++) {
                data.render(factors[from + i], x, i * per);
            }
            float[] y = condition == null ? null : repeat(condition, b);
            float[] mu = runtime.encode(x, y, b).mu();
            for (int i = 0; i < b; i++) {
                double[] z = new double[d];
                for (int j = 0; j < d; j++) {
                    z[j] = mu[i * d + j];
                }
                out[from + i] = z;
            }
        }
        return out;
    }

    private static float[] repeat(float[] y, int n) {
        float[] out = new float[y.length * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(y, 0, out, i * y.length, y.length);
        }
        return out;
    }
}
