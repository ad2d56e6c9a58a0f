package dev.vaeforge.runtime.data;

import dev.vaeforge.runtime.image.DecodedImage;
import dev.vaeforge.runtime.image.ImageDecoder;
import dev.vaeforge.runtime.image.ImageProbe;
import dev.vaeforge.runtime.image.ImageReadException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code celeba:DIR[,crop=148|178|none|N]}: the aligned-and-cropped CelebA layout,
 * <pre>
 *   DIR/img_align_celeba/000001.jpg ...   178x218 JPEGs (any image format is read)
 *   DIR/list_attr_celeba.txt              40 binary attributes per image (optional)
 *   DIR/list_eval_partition.txt           0 train / 1 valid / 2 test per image (optional)
 * </pre>
 * Images are preprocessed by {@link CelebaCrop} to {@link DatasetOptions#shape()} (default 3x64x64).
 * Attributes are exposed as {@link #attributeNames()} and multi-hot {@link #attributes(int)}; the
 * partition file is the dataset's own split. Without it, the dataset has no split of its own.
 *
 * <p>The first open with given files and preprocessing decodes every image once, on all cores, into
 * the dataset cache ({@link DatasetCache}); later opens map the cache and only list the folder. With
 * the cache off, images are decoded on every read.
 *
 * <p>Bad input, each reported with the file and the reason, or skipped and listed with skip-bad: an
 * image that cannot be decoded or is smaller than the crop; an image without a row in a list file; a row
 * for an image that does not exist; a malformed row. Files are checked ({@link ImageProbe}) before any
 * is decoded, so most bad files are reported within seconds. A list file with a malformed header or a
 * row count other than it announces is an error that cannot be skipped.
 */
final class CelebaDataset {
    static final String USAGE = "celeba:DIR[,crop=148|178|none] (img_align_celeba/, list_attr_celeba.txt,"
            + " list_eval_partition.txt)";
    static final String IMAGES = "img_align_celeba";
    private static final Set<String> KEYS = Set.of("crop");

    private CelebaDataset() {
    }

    static ImageDataset open(String argument, DatasetOptions options) throws IOException {
        SpecArguments args = SpecArguments.parse("celeba", argument, KEYS, USAGE);
        Path dir = args.path();
        ImageShape target = options.shape() != null ? options.shape() : CelebaCrop.DEFAULT_TARGET;
        CelebaCrop crop = CelebaCrop.parse(args.value("crop", null), target);
        String spec = "celeba:" + dir + (args.has("crop") ? ",crop=" + args.value("crop", null) : "");
        Path imageDir = dir.resolve(IMAGES);
        if (!Files.isDirectory(imageDir)) {
            throw Files.isDirectory(dir) ? new NoSuchFileException(imageDir.toString(), null, "missing: a celeba:"
                    + " dataset needs DIR/" + IMAGES + "/ (found in DIR: " + listing(dir) + ")")
                    : new NoSuchFileException(dir.toString(), null, "no such CelebA directory");
        }
        FolderScan scan = FolderScan.of(imageDir);
        if (scan.images.isEmpty()) {
            throw new IOException(spec + ": no images in " + imageDir);
        }
        Path attrFile = dir.resolve(CelebaLists.ATTRIBUTES);
        Path partFile = dir.resolve(CelebaLists.PARTITION);
        CelebaLists.Parsed attrs = Files.isRegularFile(attrFile) ? CelebaLists.attributes(attrFile) : null;
        CelebaLists.Parsed parts = Files.isRegularFile(partFile) ? CelebaLists.partition(partFile) : null;

        // match rows to images: every problem is a bad item of the image it names
        List<FolderScan.Entry> candidates = new ArrayList<>();
        List<BadFile> rowBad = new ArrayList<>();
        Set<String> present = new HashSet<>();
        for (FolderScan.Entry e : scan.images) {
            present.add(e.relative());
            String problem = rowProblem(attrs, e.relative());
            if (problem == null) {
                problem = rowProblem(parts, e.relative());
            }
            if (problem == null) {
                candidates.add(e);
            } else {
                rowBad.add(new BadFile(IMAGES + "/" + e.relative(), problem));
            }
        }
        for (CelebaLists.Parsed list : new CelebaLists.Parsed[] {attrs, parts}) {
            if (list == null) {
                continue;
            }
            List<Map.Entry<String, CelebaLists.Row>> orphans = new ArrayList<>();
            for (Map.Entry<String, CelebaLists.Row> r : list.rows().entrySet()) {
                if (!present.contains(r.getKey())) {
                    orphans.add(r);
                }
            }
            orphans.sort(Comparator.comparingInt(r -> r.getValue().line()));
            for (Map.Entry<String, CelebaLists.Row> r : orphans) {
                rowBad.add(new BadFile(IMAGES + "/" + CelebaLists.clip(r.getKey()), list.file().getFileName()
                        + " line " + r.getValue().line() + " lists it, but there is no such image"));
            }
        }
        int total = scan.images.size();
        if (!rowBad.isEmpty() && !options.skipBad()) {
            throw new BadFilesException(spec, total, rowBad, "The list files and " + IMAGES + "/ do not match. Fix them,"
                    + " or set the skip-bad option to leave these images out.", "image", "images");
        }
        if (candidates.isEmpty()) {
            throw new BadFilesException(spec, total, rowBad, "No usable image is left.", "image", "images");
        }

        int n = candidates.size();
        List<String> names = attrs == null ? List.of() : attrs.attributeNames();
        int words = (names.size() + 63) / 64;
        long[] bits = attrs == null ? null : new long[n * words];
        byte[] partition = parts == null ? null : new byte[n];
        for (int i = 0; i < n; i++) {
            String rel = candidates.get(i).relative();
            if (attrs != null) {
                System.arraycopy(attrs.rows().get(rel).bits(), 0, bits, i * words, words);
            }
            if (parts != null) {
                partition[i] = (byte) parts.rows().get(rel).partition();
            }
        }

        Fingerprint key = Fingerprint.of("vaeforge-cache-celeba-v" + DatasetCache.FORMAT_VERSION)
                .add("preprocessing", crop.describe());
        for (FolderScan.Entry e : candidates) {
            key.add("image", e.relative() + "\t" + e.size() + "\t" + e.modifiedMillis());
        }
        if (attrs != null) {
            key.fileContent("attributes", attrFile);
        }
        if (parts != null) {
            key.fileContent("partition", partFile);
        }
        String keyHex = key.hex();
        String source = "celeba:" + dir.toAbsolutePath().normalize();

        ImageStore store;
        int[] skippedSlots;
        List<BadFile> bad = new ArrayList<>(rowBad);
        if (options.cache()) {
            DatasetCache.Entry entry = DatasetCache.openOrBuild(DatasetCache.root(options), "celeba", keyHex, source,
                    crop.describe(), target, n, options.progress(),
                    w -> fill(w, candidates, crop, options.skipBad(), spec, total));
            List<BadFile> cached = new ArrayList<>();
            skippedSlots = new int[entry.info().skipped().size()];
            for (int i = 0; i < skippedSlots.length; i++) {
                CacheInfo.SkippedSlot s = entry.info().skipped().get(i);
                skippedSlots[i] = s.slot();
                cached.add(new BadFile(s.path(), s.reason()));
            }
            if (!cached.isEmpty() && !options.skipBad()) {
                throw new BadFilesException(spec, total, cached, "Fix or remove them, or set the skip-bad option to"
                        + " leave them out (the decoded images are cached, so that run starts at once).", "image",
                        "images");
            }
            bad.addAll(cached);
            store = ImageStore.of(entry.images());
        } else {
            List<Integer> slots = new ArrayList<>();
            BadFile[] probed = probe(candidates, crop);
            List<BadFile> probeBad = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (probed[i] != null) {
                    slots.add(i);
                    probeBad.add(probed[i]);
                }
            }
            if (!probeBad.isEmpty() && !options.skipBad()) {
                throw new BadFilesException(spec, total, probeBad, "Fix or remove them, or set the skip-bad option to"
                        + " leave them out.", "image", "images");
            }
            bad.addAll(probeBad);
            skippedSlots = slots.stream().mapToInt(Integer::intValue).toArray();
            store = new DecodingStore(candidates.stream().map(FolderScan.Entry::file).toArray(Path[]::new), crop);
        }
        if (skippedSlots.length == n) {
            throw new BadFilesException(spec, total, bad, "No usable image is left.", "image", "images");
        }
        return new StoredDataset(spec, store, target, skippedSlots, null, List.of(), names, bits, partition, bad,
                keyHex.substring(0, 16));
    }

    private static String rowProblem(CelebaLists.Parsed list, String image) {
        if (list == null) {
            return null;
        }
        CelebaLists.Row row = list.rows().get(image);
        if (row == null) {
            return "no row in " + list.file().getFileName();
        }
        return row.problem();
    }

    /** Checks every file, then decodes the good ones into the cache; bad ones are skipped slots. */
    private static void fill(DatasetCache.Writer w, List<FolderScan.Entry> files, CelebaCrop crop, boolean skipBad,
            String spec, int total) throws IOException {
        BadFile[] bad = probe(files, crop);
        List<BadFile> found = new ArrayList<>();
        for (BadFile b : bad) {
            if (b != null) {
                found.add(b);
            }
        }
        if (!found.isEmpty() && !skipBad) {
            // fail before the long decode; nothing is cached
            throw new BadFilesException(spec, total, found, "Fix or remove them, or set the skip-bad option to leave"
                    + " them out.", "image", "images");
        }
        Parallel.forEach(files.size(), Parallel.defaultThreads(), "vaeforge-celeba-cache", i -> {
            if (bad[i] != null) {
                w.skip(i, bad[i]);
                return;
            }
            Path file = files.get(i).file();
            try {
                DecodedImage d = ImageDecoder.read(file);
                w.write(i, DatasetCache.toBytes(crop.apply(d.image(), file.toString())));
            } catch (ImageReadException e) {
                w.skip(i, new BadFile(IMAGES + "/" + files.get(i).relative(), e.reason()));
            }
        });
    }

    /** Header checks of every file, in parallel: null where the file looks usable. */
    private static BadFile[] probe(List<FolderScan.Entry> files, CelebaCrop crop) throws IOException {
        BadFile[] bad = new BadFile[files.size()];
        Parallel.forEach(files.size(), Parallel.defaultThreads(), "vaeforge-celeba-probe", i -> {
            FolderScan.Entry e = files.get(i);
            try {
                var h = ImageProbe.probe(e.file());
                if (crop.crop() > 0 && (h.height() < crop.crop() || h.width() < crop.crop())) {
                    bad[i] = new BadFile(IMAGES + "/" + e.relative(), "image is " + h.sizeText() + ", smaller than"
                            + " the " + crop.crop() + "x" + crop.crop() + " centre crop");
                }
            } catch (ImageReadException ex) {
                bad[i] = new BadFile(IMAGES + "/" + e.relative(), ex.reason());
            }
        });
        return bad;
    }

    private static String listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().limit(6).toList();
            return names.isEmpty() ? "nothing" : String.join(", ", names);
        }
    }

    /** Without the cache: every read decodes its file. */
    private static final class DecodingStore implements ImageStore {
        private final Path[] files;
        private final CelebaCrop crop;

        DecodingStore(Path[] files, CelebaCrop crop) {
            this.files = files;
            this.crop = crop;
        }

        @Override
        public int count() {
            return files.length;
        }

        @Override
        public ImageShape shape() {
            return crop.target();
        }

        @Override
        public void read(int slot, ImageShape target, float[] dst, int off) {
            try {
                float[] chw = crop.apply(ImageDecoder.read(files[slot]).image(), files[slot].toString());
                System.arraycopy(chw, 0, dst, off, chw.length);
            } catch (ImageReadException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }
    }
}
