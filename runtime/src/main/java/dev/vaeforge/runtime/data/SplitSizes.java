package dev.vaeforge.runtime.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * How a dataset without a split of its own is split: a seeded shuffle of all images, the first
 * {@code test} part of it to the test split, the next {@code valid} part to the validation split, the
 * rest to training. Each part's indices are sorted. A fraction {@code f > 0} of {@code n} images is
 * {@code round(f n)} images, at least 1; {@code 0} means the part is empty. With {@code valid = 0} the
 * split equals {@link Subset#split} with the same test count and seed.
 *
 * <p>The seed is separate from the training seed on purpose: evaluating a model later on "the test
 * split" of a folder must select the same images however the model was trained.
 *
 * @param validFraction share of the images in the validation split, in [0, 1)
 * @param testFraction  share of the images in the test split, in [0, 1)
 * @param seed          seed of the shuffle
 */
public record SplitSizes(double validFraction, double testFraction, long seed) {
    public static final double DEFAULT_VALID_FRACTION = 0.0;
    public static final double DEFAULT_TEST_FRACTION = 0.1;
    public static final long DEFAULT_SEED = 0;

    public SplitSizes {
        check("valid", validFraction);
        check("test", testFraction);
        if (validFraction + testFraction >= 1) {
            throw new IllegalArgumentException("valid fraction " + validFraction + " + test fraction " + testFraction
                    + " leaves no images for training; their sum must be below 1");
        }
    }

    /** No validation images, 10% test images, seed 0. */
    public static SplitSizes defaults() {
        return new SplitSizes(DEFAULT_VALID_FRACTION, DEFAULT_TEST_FRACTION, DEFAULT_SEED);
    }

    private static void check(String what, double f) {
        if (!(f >= 0 && f < 1)) {
            throw new IllegalArgumentException(what + " fraction must be in [0, 1), got " + f);
        }
    }

    /** Images in a part of {@code fraction} of {@code n}. */
    static int count(double fraction, int n) {
        return fraction == 0 ? 0 : (int) Math.max(1, Math.round(n * fraction));
    }

    /**
     * The sorted indices of {@code split} among {@code n} images.
     *
     * @throws IllegalArgumentException if the sizes leave no training images for {@code n}
     */
    public int[] indices(Split split, int n) {
        int test = count(testFraction, n);
        int valid = count(validFraction, n);
        if (test + valid >= n) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "a split of %d images into %d test and %d"
                    + " validation images leaves none for training; use smaller fractions or more images",
                    n, test, valid));
        }
        int[] perm = permutation(n, seed);
        int[] part = switch (split) {
            case TEST -> Arrays.copyOfRange(perm, 0, test);
            case VALID -> Arrays.copyOfRange(perm, test, test + valid);
            case TRAIN -> Arrays.copyOfRange(perm, test + valid, n);
        };
        Arrays.sort(part);
        return part;
    }

    /** The shuffle {@link Subset#split} uses: Fisher-Yates with {@code java.util.Random(seed)}. */
    static int[] permutation(int n, long seed) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        Random r = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm;
    }

    /** e.g. "seeded split: 10% test, 0% valid, seed 0". */
    public String describe() {
        return String.format(Locale.ROOT, "seeded split: %s test, %s valid, seed %d", percent(testFraction),
                percent(validFraction), seed);
    }

    private static String percent(double f) {
        double p = f * 100;
        return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
    }
}
