package dev.vaeforge.runtime.data;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Opens datasets from command-line specs {@code scheme:PATH[,key=value...]}:
 * <pre>
 *   folder:DIR[,labels]                         image files under DIR; labels = first sub-folder names
 *   celeba:DIR[,crop=148|178|none]              aligned CelebA: images, attributes, own split
 *   idx:DIR                                     MNIST-format IDX files (gz or not), own train/t10k split
 *   npy:FILE[,labels=FILE][,layout=nhwc|nchw]   a NumPy uint8/float32 image array, memory-mapped
 *   npz:FILE                                    a NumPy .npz of images with factors (the dSprites file)
 *   dsprites[:n=COUNT,seed=LONG]                the dSprites factor grid, drawn on demand (built in)
 * </pre>
 * Datasets with ground-truth factors ({@code npz:}, {@code dsprites}) are {@link FactorDataset}s.
 * Each scheme is one entry of {@link #SCHEMES}. The built-in {@code shapes} dataset is not here: its
 * generator lives in vaeforge-fixtures, which the runtime must not depend on, so the CLI resolves it and
 * delegates everything else to this class.
 *
 * <p>{@link #open} returns the whole dataset; {@link #openSplit} one part of it ({@link Splits}): the
 * dataset's own split where it has one, else the seeded split of {@link DatasetOptions#splitSizes()}.
 */
public final class Datasets {
    /** A scheme: how to write it (for messages) and how to open it. */
    private record Scheme(String usage, DatasetProvider provider) {
    }

    private static final Map<String, Scheme> SCHEMES;

    static {
        Map<String, Scheme> m = new LinkedHashMap<>();
        m.put("folder", new Scheme("folder:DIR[,labels] (every PNG/JPEG/BMP/GIF/TIFF file under DIR)",
                Datasets::openFolder));
        m.put("celeba", new Scheme(CelebaDataset.USAGE, CelebaDataset::open));
        m.put("idx", new Scheme(IdxDataset.USAGE, IdxDataset::open));
        m.put("npy", new Scheme(NpyDataset.USAGE, NpyDataset::open));
        m.put("npz", new Scheme(NpzDataset.USAGE, NpzDataset::open));
        m.put(DSpritesDataset.NAME, new Scheme(DSpritesDataset.USAGE, DSpritesDataset::open));
        SCHEMES = Collections.unmodifiableMap(m);
    }

    private Datasets() {
    }

    /**
     * Opens {@code spec}. Unknown or malformed specs are an {@link IllegalArgumentException} that lists
     * the known schemes; problems with the data itself are {@link IOException}s.
     */
    public static ImageDataset open(String spec, DatasetOptions options) throws IOException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        int colon = spec.indexOf(':');
        if (colon < 0 && spec.strip().equalsIgnoreCase(DSpritesDataset.NAME)) {
            return DSpritesDataset.open("", options);
        }
        if (colon < 0) {
            if (spec.strip().equalsIgnoreCase("shapes")) {
                throw new IllegalArgumentException("the built-in 'shapes' dataset is provided by the vaeforge CLI;"
                        + " the runtime opens " + usages());
            }
            throw new IllegalArgumentException("dataset spec '" + spec + "' has no scheme; expected " + usages()
                    + ", e.g. folder:" + spec);
        }
        String scheme = spec.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String argument = spec.substring(colon + 1);
        Scheme s = SCHEMES.get(scheme);
        if (s == null) {
            throw new IllegalArgumentException("unknown dataset scheme '" + scheme + "' in '" + spec
                    + "'; known schemes: " + usages());
        }
        if (argument.isBlank() && !scheme.equals(DSpritesDataset.NAME)) {
            throw new IllegalArgumentException("dataset spec '" + spec + "' is missing its argument; expected "
                    + s.usage());
        }
        return s.provider().open(argument, options);
    }

    /**
     * The images of {@code split} of {@code spec}: its own split where it has one (CelebA, IDX), else the
     * seeded split of {@code options.splitSizes()}.
     *
     * @throws IllegalArgumentException if the dataset has no images in that split
     */
    public static ImageDataset openSplit(String spec, Split split, DatasetOptions options) throws IOException {
        return Splits.part(open(spec, options), split, options.splitSizes());
    }

    private static ImageDataset openFolder(String argument, DatasetOptions options) throws IOException {
        SpecArguments args = SpecArguments.parse("folder", argument, java.util.Set.of("labels"),
                "folder:DIR[,labels]");
        boolean labels = args.flag("labels") || options.folderLabels();
        return FolderDataset.open(args.path(), options.withFolderLabels(labels));
    }

    /** The schemes {@link #open} understands, in the order they are listed in messages. */
    public static java.util.Set<String> schemes() {
        return SCHEMES.keySet();
    }

    private static String usages() {
        return String.join(", ", SCHEMES.values().stream().map(Scheme::usage).toList());
    }
}
