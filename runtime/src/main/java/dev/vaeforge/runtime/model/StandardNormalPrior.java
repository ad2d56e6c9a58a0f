package dev.vaeforge.runtime.model;

import dev.vaeforge.runtime.metrics.PixelMetrics;
import dev.vaeforge.runtime.ops.Posterior;
import dev.vaeforge.runtime.bundle.Manifest;
import java.util.Random;

/** z ~ N(0, I) over a Gaussian latent of {@code size} values per item. */
public record StandardNormalPrior(int size) implements Prior {
    public StandardNormalPrior {
        if (size < 1) {
            throw new IllegalArgumentException("latent size must be >= 1, got " + size);
        }
    }

    @Override
    public String type() {
        return Manifest.Prior.STANDARD_NORMAL;
    }

    @Override
    public String id() {
        return Manifest.Prior.STANDARD_NORMAL;
    }

    @Override
    public String description() {
        return "z ~ " + notation();
    }

    @Override
    public String notation() {
        return "N(0, I)";
    }

    @Override
    public Draw sample(int n, Random random) {
        float[] z = new float[n * size];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) random.nextGaussian();
        }
        return new Draw(z, null, n);
    }

    /** The closed form: sum over latent values of 0.5 (mu^2 + exp(logvar) - logvar - 1). */
    @Override
    public double[] kl(Posterior q) {
        return PixelMetrics.kl(q.mu(), q.logvar(), q.n(), q.dim());
    }

    @Override
    public boolean hasDensity() {
        return true;
    }

    /** log N(z; 0, I) = -0.5 sum (z^2 + log 2 pi). */
    @Override
    public double[] logDensity(float[] z, int n) {
        Prior.checkLatents(z, n, size);
        double c = size * Math.log(2 * Math.PI);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < size; j++) {
                double v = z[i * size + j];
                s += v * v;
            }
            out[i] = -0.5 * (s + c);
        }
        return out;
    }

    @Override
    public boolean closedFormKl() {
        return true;
    }
}
