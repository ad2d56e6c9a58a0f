package dev.vaeforge.runtime.model;

import dev.vaeforge.runtime.bundle.CodePrior;
import dev.vaeforge.runtime.bundle.Manifest;
import java.util.Random;

/** Each grid position's code from its frequency on the training set, counted at export (code_prior.json). */
public record EmpiricalCodePrior(CodePrior counts) implements Prior {
    @Override
    public String type() {
        return Manifest.Prior.CODES_EMPIRICAL;
    }

    @Override
    public String id() {
        return "empirical";
    }

    @Override
    public String description() {
        return "codes drawn per grid position from the bundle's empirical code prior";
    }

    @Override
    public String notation() {
        return "the empirical code frequencies of " + counts.images() + " training images per position";
    }

    @Override
    public Draw sample(int n, Random random) {
        return new Draw(null, counts.sample(n, random), n);
    }

    /** Each chunk from its own stream seeded by (seed, first item), as evaluations have always drawn codes. */
    @Override
    public Draws draws(long seed) {
        return (from, count) -> sample(count, new Random(seed * 1_000_003L + from));
    }
}
