package dev.vaeforge.cli.data;

import dev.vaeforge.fixtures.Shapes;
import dev.vaeforge.fixtures.ShapesData;
import dev.vaeforge.fixtures.ShapesSpec;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.Datasets;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.data.Subset;
import java.io.IOException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Resolves every dataset spec the CLI accepts. The built-in {@code shapes} dataset is generated here
 * from vaeforge-fixtures (the runtime cannot depend on it); every other spec goes to
 * {@link Datasets#open}.
 *
 * <p>Shapes specs: {@code shapes} or {@code shapes:} followed by comma-separated items:
 * <pre>
 *   shapes                              4096 gray 64x64 images, seed 0
 *   shapes:rgb                          the same in colour
 *   shapes:n=2048,size=32,rgb,seed=7    n (or count) >= 1, size >= 16, rgb or gray, seed any long
 * </pre>
 * When {@link DatasetOptions#shape()} is set it must be square; it supplies the size and channels the
 * spec leaves out, and contradicting it is an error. The other options do not apply to shapes.
 *
 * <p>Splits: {@link #openSplit} splits any dataset with a seeded shuffle ({@link Subset#split}); by
 * default 10% of the images (rounded, at least 1) go to the test part, split seed 0. The split seed is
 * separate from the shapes generation seed, so the same images can be split differently.
 */
public final class DatasetResolver {
    public static final double DEFAULT_TEST_FRACTION = 0.1;
    public static final long DEFAULT_SPLIT_SEED = 0;
    private static final String SHAPES = "shapes";
    private static final String SHAPES_KEYS = "n=COUNT, size=PIXELS, rgb, gray, seed=LONG";

    /** A train/test split of one dataset. */
    public record Split(ImageDataset train, ImageDataset test) {
    }

    private DatasetResolver() {
    }

    /** The whole dataset of {@code spec}. */
    public static ImageDataset open(String spec, DatasetOptions options) throws IOException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        if (isShapes(spec)) {
            ShapesSpec s = parseShapes(spec, options.shape());
            ShapesData data = Shapes.generate(s);
            return new ArrayDataset(canonical(s), new ImageShape(s.channels(), s.size(), s.size()), data.pixels(),
                    data.labels(), data.labelNames());
        }
        return Datasets.open(spec, options);
    }

    /** {@code spec} split with the defaults: 10% test, split seed 0. */
    public static Split openSplit(String spec, DatasetOptions options) throws IOException {
        return openSplit(spec, options, -1, DEFAULT_SPLIT_SEED);
    }

    /**
     * @param testCount images in the test part; negative for the default ({@link #defaultTestCount})
     */
    public static Split openSplit(String spec, DatasetOptions options, int testCount, long splitSeed)
            throws IOException {
        return split(open(spec, options), testCount, splitSeed);
    }

    public static Split split(ImageDataset dataset, int testCount, long splitSeed) {
        int test = testCount < 0 ? defaultTestCount(dataset.size()) : testCount;
        Subset[] parts = Subset.split(dataset, test, splitSeed);
        return new Split(parts[0], parts[1]);
    }

    /** 10% of {@code n}, rounded, at least 1 when {@code n >= 2}; 0 for a single image. */
    public static int defaultTestCount(int n) {
        if (n < 2) {
            return 0;
        }
        return (int) Math.max(1, Math.min(n - 1, Math.round(n * DEFAULT_TEST_FRACTION)));
    }

    public static boolean isShapes(String spec) {
        String s = spec.strip().toLowerCase(Locale.ROOT);
        return s.equals(SHAPES) || s.startsWith(SHAPES + ":");
    }

    /** The generator settings of a shapes spec; {@code requested} (may be null) fills in size and channels. */
    public static ShapesSpec parseShapes(String spec, ImageShape requested) {
        if (!isShapes(spec)) {
            throw new IllegalArgumentException("'" + spec + "' is not a shapes spec");
        }
        String body = spec.strip();
        body = body.length() > SHAPES.length() ? body.substring(SHAPES.length() + 1) : "";
        Integer count = null;
        Integer size = null;
        Boolean rgb = null;
        Long seed = null;
        Set<String> seen = new HashSet<>();
        for (String raw : body.split(",", -1)) {
            String item = raw.strip();
            if (item.isEmpty()) {
                if (body.isBlank()) {
                    continue;
                }
                throw new IllegalArgumentException("empty item in '" + spec + "'; expected " + SHAPES_KEYS);
            }
            int eq = item.indexOf('=');
            String key = (eq < 0 ? item : item.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : item.substring(eq + 1).strip();
            String canonicalKey = switch (key) {
                case "count" -> "n";
                case "gray", "grey" -> "rgb";
                default -> key;
            };
            if (!seen.add(canonicalKey)) {
                throw new IllegalArgumentException("'" + key + "' given twice in '" + spec + "'");
            }
            switch (key) {
                case "n", "count" -> count = (int) number(spec, key, value, Integer.MAX_VALUE);
                case "size" -> size = (int) number(spec, key, value, Integer.MAX_VALUE);
                case "seed" -> seed = number(spec, key, value, Long.MAX_VALUE);
                case "rgb", "gray", "grey" -> {
                    if (value != null) {
                        throw new IllegalArgumentException("'" + key + "' takes no value in '" + spec + "'");
                    }
                    rgb = key.equals("rgb");
                }
                default -> throw new IllegalArgumentException("unknown shapes option '" + key + "' in '" + spec
                        + "'; expected " + SHAPES_KEYS);
            }
        }
        if (requested != null) {
            if (requested.height() != requested.width()) {
                throw new IllegalArgumentException("the shapes dataset is square, but the requested image shape is "
                        + requested + " (channels x height x width)");
            }
            boolean wantRgb = requested.channels() == 3;
            if (size != null && size != requested.height()) {
                throw new IllegalArgumentException("'" + spec + "' asks for size " + size
                        + " but the requested image shape is " + requested);
            }
            if (rgb != null && rgb != wantRgb) {
                throw new IllegalArgumentException("'" + spec + "' asks for " + (rgb ? "rgb" : "gray")
                        + " but the requested image shape is " + requested);
            }
            size = requested.height();
            rgb = wantRgb;
        }
        ShapesSpec d = ShapesSpec.DEFAULT;
        return new ShapesSpec(count == null ? d.count() : count, size == null ? d.size() : size,
                rgb == null ? d.rgb() : rgb, seed == null ? d.seed() : seed);
    }

    /** The spec that regenerates exactly {@code s}, e.g. {@code shapes:n=4096,size=64,gray,seed=0}. */
    public static String canonical(ShapesSpec s) {
        return SHAPES + ":n=" + s.count() + ",size=" + s.size() + "," + (s.rgb() ? "rgb" : "gray") + ",seed=" + s.seed();
    }

    private static long number(String spec, String key, String value, long max) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("'" + key + "' needs a value in '" + spec + "', e.g. " + key + "=64");
        }
        try {
            long v = Long.parseLong(value);
            if (v > max || (max == Integer.MAX_VALUE && v < Integer.MIN_VALUE)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "=" + value + "' in '" + spec + "' is not a whole number"
                    + (max == Integer.MAX_VALUE ? " up to " + Integer.MAX_VALUE : ""), e);
        }
    }
}
