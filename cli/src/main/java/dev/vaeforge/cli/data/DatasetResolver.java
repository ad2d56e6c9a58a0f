package dev.vaeforge.cli.data;

import dev.vaeforge.fixtures.Shapes;
import dev.vaeforge.fixtures.ShapesData;
import dev.vaeforge.fixtures.ShapesSpec;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.Datasets;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.data.Split;
import dev.vaeforge.runtime.data.Splits;
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
 * Shapes datasets carry their factors ({@link dev.vaeforge.runtime.data.FactorDataset}, binned as
 * {@code ShapeFactorGrid} says). When {@link DatasetOptions#shape()} is set it must be square; it supplies the size and channels the
 * spec leaves out, and contradicting it is an error. The other options do not apply to shapes.
 *
 * <p>Splits ({@link #openSplit}, {@link #training}): a dataset's own split where it has one (CelebA, IDX),
 * otherwise the seeded split of {@link DatasetOptions#splitSizes()} (by default 10% test, no
 * validation images, split seed 0). The split seed is separate from the shapes generation seed and
 * from the training seed, so the same images can be split differently and a later evaluation selects
 * the same test images.
 */
public final class DatasetResolver {
    private static final String SHAPES = "shapes";
    private static final String SHAPES_KEYS = "n=COUNT, size=PIXELS, rgb, gray, seed=LONG";

    /**
     * What a training run uses: the whole dataset, the part it trains on and the part it tests on.
     *
     * @param heldOut which part {@code test} is
     * @param split   how the parts were chosen, for the run's provenance
     */
    public record TrainingData(ImageDataset all, Subset train, Subset test, Split heldOut, String split) {
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
            return new ShapesFactorDataset(canonical(s), data);
        }
        return Datasets.open(spec, options);
    }

    /** The images of {@code split} of {@code spec} (see the class comment for how parts are chosen). */
    public static Subset openSplit(String spec, Split split, DatasetOptions options) throws IOException {
        return Splits.part(open(spec, options), split, options.splitSizes());
    }

    /**
     * The train part and a held-out part of {@code spec}.
     *
     * @param heldOut the part to test on, {@code valid} or {@code test}; null for the default: valid where
     *                the dataset has validation images, else test ({@link Splits#heldOut})
     */
    public static TrainingData training(String spec, Split heldOut, DatasetOptions options) throws IOException {
        if (heldOut == Split.TRAIN) {
            throw new IllegalArgumentException("a run trains on the train split and tests on another: choose valid"
                    + " or test");
        }
        ImageDataset all = open(spec, options);
        Split h = heldOut != null ? heldOut : Splits.heldOut(all, options.splitSizes());
        Subset train = Splits.part(all, Split.TRAIN, options.splitSizes());
        Subset test = Splits.part(all, h, options.splitSizes());
        return new TrainingData(all, train, test, h, Splits.describe(all, options.splitSizes()) + "; tested on " + h);
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
