package dev.vaeforge.runtime.data;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The built-in {@code dsprites} dataset: the exact dSprites factor grid (Matthey et al. 2017), 3 shapes
 * (square, ellipse, heart) x 6 scales (0.5..1) x 40 orientations (0..2 pi, both ends included as in the
 * original) x 32 x-positions x 32 y-positions (0..1) = 737,280 binary 1x64x64 images, in the original
 * file's C order (shape slowest, y fastest; its constant colour factor is left out). Each image is drawn
 * on demand from its index by {@link DSpritesRenderer}; nothing is held in memory but an optional index
 * list.
 *
 * <p>Specs: {@code dsprites} (all images) or {@code dsprites:n=COUNT[,seed=LONG]}, a seeded uniform
 * subsample of COUNT grid images without replacement (in ascending grid order; seed 0 by default), e.g.
 * to train on 2 cores. {@link #render} draws any grid combination, in or out of the subsample.
 */
public final class DSpritesDataset implements FactorDataset {
    public static final String NAME = "dsprites";
    static final String USAGE = "dsprites[:n=COUNT,seed=LONG] (the 737,280-image dSprites grid, drawn on demand)";
    public static final FactorSpec FACTORS = new FactorSpec(List.of("shape", "scale", "orientation", "posX", "posY"),
            new int[] {3, 6, 40, 32, 32},
            new double[][] {{0, 1, 2}, linspace(0.5, 1, 6), linspace(0, 2 * Math.PI, 40), linspace(0, 1, 32),
                    linspace(0, 1, 32)});
    public static final List<String> SHAPE_NAMES = List.of("square", "ellipse", "heart");
    private static final ImageShape SHAPE = new ImageShape(1, DSpritesRenderer.SIZE, DSpritesRenderer.SIZE);
    private static final int GRID = (int) FACTORS.combinations();

    private final int[] indices;
    private final String description;

    private DSpritesDataset(int[] indices, String description) {
        this.indices = indices;
        this.description = description;
    }

    /** All 737,280 images. */
    public static DSpritesDataset full() {
        return new DSpritesDataset(null, NAME);
    }

    /** A seeded subsample of {@code count} grid images (ascending grid order). */
    public static DSpritesDataset subsample(int count, long seed) {
        if (count < 1 || count > GRID) {
            throw new IllegalArgumentException("dsprites n=" + count + " is outside 1.." + GRID);
        }
        if (count == GRID) {
            return full();
        }
        int[] perm = SplitSizes.permutation(GRID, seed);
        int[] pick = Arrays.copyOf(perm, count);
        Arrays.sort(pick);
        return new DSpritesDataset(pick, NAME + ":n=" + count + ",seed=" + seed);
    }

    /** Opens {@code dsprites} (argument empty) or {@code dsprites:n=..,seed=..}. */
    static ImageDataset open(String argument, DatasetOptions options) {
        if (options.shape() != null && !options.shape().equals(SHAPE)) {
            throw new IllegalArgumentException("dsprites images are " + SHAPE + " (channels x height x width), but "
                    + options.shape() + " was asked for");
        }
        Integer n = null;
        long seed = 0;
        for (String raw : argument.isBlank() ? new String[0] : argument.split(",", -1)) {
            String item = raw.strip();
            int eq = item.indexOf('=');
            String key = (eq < 0 ? item : item.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : item.substring(eq + 1).strip();
            try {
                switch (key) {
                    case "n", "count" -> n = Integer.parseInt(value);
                    case "seed" -> seed = Long.parseLong(value);
                    default -> throw new IllegalArgumentException("unknown dsprites option '" + item + "'; expected "
                            + USAGE);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("dsprites option '" + item + "' needs a whole number; expected "
                        + USAGE, e);
            }
        }
        return n == null ? full() : subsample(n, seed);
    }

    private static double[] linspace(double from, double to, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = from + (to - from) * i / (n - 1);
        }
        return v;
    }

    @Override
    public FactorSpec factors() {
        return FACTORS;
    }

    /** The grid index of image {@code index}. */
    public int gridIndex(int index) {
        return indices == null ? index : indices[index];
    }

    @Override
    public void factorClasses(int index, int[] dst) {
        FACTORS.classes(gridIndex(index), dst);
    }

    @Override
    public void render(int[] classes, float[] dst, int offset) {
        FACTORS.index(classes);
        double[][] v = FACTORS.values();
        DSpritesRenderer.render(classes[0], v[1][classes[1]], v[2][classes[2]], v[3][classes[3]], v[4][classes[4]],
                dst, offset);
    }

    @Override
    public ImageShape shape() {
        return SHAPE;
    }

    @Override
    public int size() {
        return indices == null ? GRID : indices.length;
    }

    @Override
    public void read(int index, float[] dst, int offset) {
        int[] c = new int[FACTORS.count()];
        factorClasses(index, c);
        render(c, dst, offset);
    }

    @Override
    public int label(int index) {
        return gridIndex(index) / (GRID / 3);
    }

    @Override
    public List<String> labelNames() {
        return SHAPE_NAMES;
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "%s (%d images, %s, factors %s)", description, size(), SHAPE, FACTORS);
    }

    @Override
    public String fingerprint() {
        return Fingerprint.of("vaeforge-dsprites-v1").add("spec", description).hex().substring(0, 16);
    }
}
