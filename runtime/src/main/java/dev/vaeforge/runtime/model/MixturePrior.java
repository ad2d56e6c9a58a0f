package dev.vaeforge.runtime.model;

import dev.vaeforge.runtime.bundle.Manifest;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * A learned prior p(z) = (1/K) sum_k N(z; mu_k, diag(exp(logvar_k))) over a Gaussian latent of
 * {@code size} values: the form of the VampPrior (Tomczak and Welling 2018), whose components are the
 * encoder's posteriors of K learned pseudo-inputs, evaluated at export. No closed-form KL against a
 * Gaussian posterior: the evaluator uses the Monte-Carlo term log q(z|x) - log p(z) and the density
 * below.
 */
public final class MixturePrior implements Prior {
    private static final double LOG_2PI = Math.log(2 * Math.PI);
    private final int components;
    private final int size;
    private final float[] means;
    private final float[] logvars;
    private final double[] inverseVariances;
    private final double[] norms;
    private final String label;

    /**
     * @param means   [K, size]
     * @param logvars [K, size]
     * @param label   what the mixture is, for reports (e.g. "VampPrior"), or null
     */
    public MixturePrior(int components, int size, float[] means, float[] logvars, String label) {
        if (components < 1 || size < 1) {
            throw new IllegalArgumentException("a mixture needs >= 1 component of >= 1 value, got " + components + " x " + size);
        }
        if (means.length != components * size || logvars.length != components * size) {
            throw new IllegalArgumentException("means and logvars must hold " + components + " x " + size + " values");
        }
        this.components = components;
        this.size = size;
        this.means = means.clone();
        this.logvars = logvars.clone();
        this.label = label;
        this.inverseVariances = new double[means.length];
        this.norms = new double[components];
        for (int k = 0; k < components; k++) {
            double sum = 0;
            for (int j = 0; j < size; j++) {
                inverseVariances[k * size + j] = Math.exp(-logvars[k * size + j]);
                sum += logvars[k * size + j];
            }
            norms[k] = -0.5 * (size * LOG_2PI + sum);
        }
    }

    public int components() {
        return components;
    }

    @Override
    public String type() {
        return Manifest.Prior.GAUSSIAN_MIXTURE;
    }

    @Override
    public String id() {
        return Manifest.Prior.GAUSSIAN_MIXTURE;
    }

    @Override
    public String description() {
        return "z ~ " + notation() + ": a component k uniform in 1.." + components + ", then z ~ N(mu_k, sigma_k^2)";
    }

    @Override
    public String notation() {
        return (label == null ? "" : label + " ") + "(1/" + components + ") sum_k N(mu_k, sigma_k^2)";
    }

    @Override
    public Draw sample(int n, Random random) {
        float[] z = new float[n * size];
        for (int i = 0; i < n; i++) {
            int k = random.nextInt(components);
            for (int j = 0; j < size; j++) {
                int c = k * size + j;
                z[i * size + j] = (float) (means[c] + Math.exp(0.5 * logvars[c]) * random.nextGaussian());
            }
        }
        return new Draw(z, null, n);
    }

    @Override
    public boolean hasDensity() {
        return true;
    }

    /** logsumexp_k log N(z; mu_k, sigma_k^2) - log K, per latent, in parallel over latents. */
    @Override
    public double[] logDensity(float[] z, int n) {
        Prior.checkLatents(z, n, size);
        double[] out = new double[n];
        double logK = Math.log(components);
        IntStream.range(0, n).parallel().forEach(i -> {
            double[] lq = new double[components];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < components; k++) {
                double q = 0;
                for (int j = 0; j < size; j++) {
                    double e = z[i * size + j] - means[k * size + j];
                    q += e * e * inverseVariances[k * size + j];
                }
                lq[k] = norms[k] - 0.5 * q;
                max = Math.max(max, lq[k]);
            }
            double sum = 0;
            for (double v : lq) {
                sum += Math.exp(v - max);
            }
            out[i] = max + Math.log(sum) - logK;
        });
        return out;
    }
}
