package dev.vaeforge.runtime.model;

import dev.vaeforge.runtime.bundle.Manifest;
import java.util.Random;

/**
 * The prior of a latent of two levels: z_t ~ N(0, I) on the top level, z_b ~ p(z_b|z_t) (graph top_down)
 * below. A {@link Prior.Draw} holds [z_t, eps] per item, eps the bottom level's standard-normal noise, which
 * {@link LevelsHead#decode(Prior.Draw, float[])} turns into z_b. The KL and the density are the levels'
 * own ({@code PosteriorMetrics} computes them level by level), so none is offered here.
 */
public record AncestralPrior(int topSize, int bottomSize, String top, String bottom) implements Prior {
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
        return "ancestral: " + top + " ~ N(0, I), " + bottom + " ~ p(" + bottom + "|" + top + ") from graph top_down";
    }

    @Override
    public String notation() {
        return "N(" + top + "; 0, I) p(" + bottom + "|" + top + ")";
    }

    @Override
    public Draw sample(int n, Random random) {
        float[] v = new float[n * (topSize + bottomSize)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return new Draw(v, null, n);
    }
}
