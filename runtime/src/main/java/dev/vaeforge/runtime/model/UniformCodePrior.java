package dev.vaeforge.runtime.model;

import dev.vaeforge.runtime.bundle.Manifest;
import java.util.Random;

/** Each of the {@code positions} grid positions' code uniform over the {@code codebookSize} codes. */
public record UniformCodePrior(int positions, int codebookSize) implements Prior {
    public UniformCodePrior {
        if (positions < 1 || codebookSize < 1) {
            throw new IllegalArgumentException("a code prior needs positions and codes >= 1");
        }
    }

    @Override
    public String type() {
        return Manifest.Prior.CODES_UNIFORM;
    }

    @Override
    public String id() {
        return "uniform";
    }

    @Override
    public String description() {
        return "codes drawn per grid position from the bundle's uniform code prior";
    }

    @Override
    public String notation() {
        return "Uniform(" + codebookSize + ") per position";
    }

    @Override
    public Draw sample(int n, Random random) {
        long[] out = new long[n * positions];
        for (int i = 0; i < out.length; i++) {
            out[i] = random.nextInt(codebookSize);
        }
        return new Draw(null, out, n);
    }

    /** Each chunk from its own stream seeded by (seed, first item), as evaluations have always drawn codes. */
    @Override
    public Draws draws(long seed) {
        return (from, count) -> sample(count, new Random(seed * 1_000_003L + from));
    }
}
