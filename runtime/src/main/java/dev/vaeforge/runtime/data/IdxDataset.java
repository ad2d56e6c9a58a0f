package dev.vaeforge.runtime.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code idx:DIR}: MNIST-format IDX files, e.g. MNIST or Fashion-MNIST (Debian's
 * {@code dataset-fashion-mnist} installs them in {@code /usr/share/datasets/fashion-mnist}).
 *
 * <p>Files: {@code train-images-idx3-ubyte} with {@code train-labels-idx1-ubyte}, and {@code t10k-images-idx3-ubyte}
 * with {@code t10k-labels-idx1-ubyte}; each gzipped ({@code .gz}) or not, and {@code .} instead of the
 * second {@code -} is accepted ({@code train-images.idx3-ubyte}). With both parts the dataset is the
 * train images followed by the t10k images and has its own split: train = train, test = t10k, no
 * validation images. With one part it has no split of its own. Labels are used when every part has
 * them; class names are "0".."9".
 *
 * <p>Plain files are memory-mapped where they lie. Gzipped files are decompressed once into the
 * dataset cache ({@link DatasetCache}) and mapped from there; with the cache off, into a temporary file
 * deleted when the JVM exits. Either way the heap holds only the labels (4 bytes per image). A file
 * with a wrong magic number, an unsupported type or a size that does not match its header is an error
 * naming it; such a file is never skipped.
 */
final class IdxDataset {
    static final String USAGE = "idx:DIR (MNIST-format train-/t10k- images and labels, gzipped or not)";

    private IdxDataset() {
    }

    /** The files of one part (train or t10k). */
    private record Part(String prefix, Path images, Path labels) {
    }

    static ImageDataset open(String argument, DatasetOptions options) throws IOException {
        SpecArguments args = SpecArguments.parse("idx", argument, Set.of(), USAGE);
        Path dir = args.path();
        String spec = "idx:" + dir;
        if (!Files.isDirectory(dir)) {
            throw Files.exists(dir) ? new DataFileException(dir.toString(), "is a file; idx: takes the directory"
                    + " holding train-images-idx3-ubyte[.gz] and friends")
                    : new NoSuchFileException(dir.toString(), null, "no such IDX dataset directory");
        }
        List<Part> parts = new ArrayList<>();
        for (String prefix : List.of("train", "t10k")) {
            Path images = find(dir, prefix, "images", "idx3");
            Path labels = find(dir, prefix, "labels", "idx1");
            if (images == null && labels != null) {
                throw new DataFileException(labels.toString(), "labels without images: " + prefix
                        + "-images-idx3-ubyte[.gz] is missing from " + dir);
            }
            if (images != null) {
                parts.add(new Part(prefix, images, labels));
            }
        }
        if (parts.isEmpty()) {
            throw new IOException(spec + ": no IDX files found; expected train-images-idx3-ubyte[.gz] and"
                    + " train-labels-idx1-ubyte[.gz], and t10k-* for the test split (found: " + listing(dir) + ")");
        }
        boolean withLabels = parts.stream().allMatch(p -> p.labels() != null);

        List<MappedImages> stores = new ArrayList<>();
        List<int[]> labelParts = new ArrayList<>();
        Fingerprint fp = Fingerprint.of("vaeforge-idx-v1");
        for (Part p : parts) {
            IdxFile images = IdxFile.open(p.images(), 3, "images");
            stores.add(images(images, options));
            fp.file(p.prefix() + "-images", p.images());
            if (withLabels) {
                labelParts.add(labels(IdxFile.open(p.labels(), 1, "labels"), images));
                fp.file(p.prefix() + "-labels", p.labels());
            }
        }
        ImageShape stored = stores.get(0).shape();
        if (stores.size() == 2 && !stores.get(1).shape().equals(stored)) {
            throw new DataFileException(parts.get(1).images().toString(), "images are " + stores.get(1).shape()
                    + " but the train images are " + stored);
        }
        ImageShape target = ArrayShapes.target(stored, options, spec);
        fp.add("preprocessing", ArrayShapes.describe(stored, target, options.resize()));

        ImageStore store = stores.size() == 2 ? ImageStore.concat(stores.get(0), stores.get(1))
                : ImageStore.of(stores.get(0));
        int[] labels = null;
        List<String> names = List.of();
        if (withLabels) {
            labels = new int[store.count()];
            int at = 0;
            int max = 0;
            for (int[] l : labelParts) {
                System.arraycopy(l, 0, labels, at, l.length);
                at += l.length;
                for (int v : l) {
                    max = Math.max(max, v);
                }
            }
            List<String> n = new ArrayList<>();
            for (int i = 0; i <= max; i++) {
                n.add(String.valueOf(i));
            }
            names = n;
        }
        byte[] partition = stores.size() == 2 ? StoredDataset.trainThenTest(stores.get(0).count(), stores.get(1).count())
                : null;
        return new StoredDataset(spec, store, target, new int[0], labels, names, List.of(), null, partition, List.of(),
                fp.hex().substring(0, 16));
    }

    /** The images file's pixels: mapped in place, or decompressed into the cache (or a temporary file). */
    private static MappedImages images(IdxFile f, DatasetOptions options) throws IOException {
        long[] d = f.header().dims();
        int n = (int) d[0];
        ImageShape shape = new ImageShape(1, (int) d[1], (int) d[2]);
        if (!f.gzip()) {
            MappedBytes bytes = MappedBytes.map(f.file(), f.header().headerBytes(), f.header().elements());
            return new MappedImages(bytes, n, shape, MappedImages.Layout.NCHW, MappedImages.DType.U8);
        }
        DatasetCache.Filler filler = w -> {
            byte[] img = new byte[shape.size()];
            try (InputStream in = f.data()) {
                for (int i = 0; i < n; i++) {
                    f.readFully(in, img, (long) i * img.length, "images");
                    w.write(i, img);
                }
                f.expectEnd(in, "images");
            }
        };
        String key = Fingerprint.of("vaeforge-cache-idx-v" + DatasetCache.FORMAT_VERSION).file("images", f.file()).hex();
        String source = "idx:" + f.file().toAbsolutePath().normalize();
        if (options.cache()) {
            return DatasetCache.openOrBuild(DatasetCache.root(options), "idx", key, source, "gunzip", shape, n,
                    options.progress(), filler).images();
        }
        Path tmp = Files.createTempFile("vaeforge-idx-", ".npy");
        tmp.toFile().deleteOnExit();
        Files.delete(tmp);
        try (DatasetCache.Writer w = new DatasetCache.Writer(tmp, shape, n, source + ": decompressing",
                options.progress())) {
            filler.fill(w);
        }
        long offset = Files.size(tmp) - (long) n * shape.size();
        return new MappedImages(MappedBytes.map(tmp, offset, (long) n * shape.size()), n, shape,
                MappedImages.Layout.NCHW, MappedImages.DType.U8);
    }

    private static int[] labels(IdxFile f, IdxFile images) throws IOException {
        long n = f.header().dims()[0];
        long want = images.header().dims()[0];
        if (n != want) {
            throw new DataFileException(f.name(), n + " labels for the " + want + " images of " + images.name());
        }
        byte[] raw = new byte[(int) n];
        try (InputStream in = f.data()) {
            f.readFully(in, raw, 0, "labels");
            f.expectEnd(in, "labels");
        }
        int[] out = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = raw[i] & 0xff;
        }
        return out;
    }

    /** {@code prefix-kind-idxN-ubyte} or {@code prefix-kind.idxN-ubyte}, plain or {@code .gz}; null if none. */
    private static Path find(Path dir, String prefix, String kind, String idx) throws IOException {
        Path found = null;
        for (String sep : List.of("-", ".")) {
            for (String ext : List.of("", ".gz")) {
                Path p = dir.resolve(prefix + "-" + kind + sep + idx + "-ubyte" + ext);
                if (Files.isRegularFile(p)) {
                    if (found != null) {
                        throw new DataFileException(p.toString(), "two " + prefix + " " + kind + " files in " + dir
                                + " (also " + found.getFileName() + "); keep one");
                    }
                    found = p;
                }
            }
        }
        return found;
    }

    private static String listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().limit(6).toList();
            return names.isEmpty() ? "nothing" : String.join(", ", names);
        }
    }
}
