package dev.vaeforge.runtime.disentangle;

import dev.vaeforge.runtime.data.FactorSpec;
import java.util.SplittableRandom;

/**
 * Points drawn from a full factor grid: every factor uniform over its classes, independently (as
 * disentanglement_lib samples dSprites), and coded by a {@link Representation}.
 */
public final class GeneratedSampler implements FactorSampler {
    private final FactorSpec factors;
    private final Representation representation;
    private final int codeSize;

    public GeneratedSampler(FactorSpec factors, Representation representation, int codeSize) {
        this.factors = factors;
        this.representation = representation;
        this.codeSize = codeSize;
    }

    @Override
    public FactorSpec factors() {
        return factors;
    }

    @Override
    public int codeSize() {
        return codeSize;
    }

    @Override
    public Draw sample(int n, SplittableRandom rng) {
        return code(draw(n, rng));
    }

    @Override
    public Draw sampleWithFactor(int k, int[] classes, SplittableRandom rng) {
        int[][] f = draw(classes.length, rng);
        for (int i = 0; i < f.length; i++) {
            f[i][k] = classes[i];
        }
        return code(f);
    }

    @Override
    public int sampleClass(int k, SplittableRandom rng) {
        return rng.nextInt(factors.size(k));
    }

    private int[][] draw(int n, SplittableRandom rng) {
        int[][] f = new int[n][factors.count()];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < factors.count(); k++) {
                f[i][k] = rng.nextInt(factors.size(k));
            }
        }
        return f;
    }

    private Draw code(int[][] f) {
        double[][] codes = representation.codes(f);
        if (codes.length != f.length) {
            throw new IllegalStateException(codes.length + " codes for " + f.length + " factor rows");
        }
        for (double[] c : codes) {
            if (c.length != codeSize) {
                throw new IllegalStateException("a code of width " + c.length + ", expected " + codeSize);
            }
        }
        return new Draw(f, codes);
    }
}
