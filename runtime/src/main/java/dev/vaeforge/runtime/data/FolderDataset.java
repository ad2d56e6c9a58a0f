package dev.vaeforge.runtime.data;

import dev.vaeforge.runtime.image.ImageDecoder;
import dev.vaeforge.runtime.image.ImageFileType;
import dev.vaeforge.runtime.image.ImageHeader;
import dev.vaeforge.runtime.image.ImagePreprocessing;
import dev.vaeforge.runtime.image.ImageProbe;
import dev.vaeforge.runtime.image.ImageReadException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Every PNG/JPEG/BMP/GIF/TIFF file under a directory (see {@link FolderScan} for which files and in
 * which order), decoded on demand and converted to one {@link ImageShape} by the rules of
 * {@link dev.vaeforge.runtime.image.ImageConversion}.
 *
 * <p>Opening checks every file cheaply ({@link ImageProbe}: format, size, end marker; or a full decode
 * with {@link DatasetOptions#verifyAll()}), so bad files are reported before training. They are an
 * error listing them ({@link BadFilesException}), or with {@link DatasetOptions#skipBad()} they are left
 * out and listed in {@link #skipped()}. A file that passes the check but fails to decode later makes
 * {@link #read} throw an {@link UncheckedIOException} wrapping the {@link ImageReadException}.
 *
 * <p>Labels ({@link DatasetOptions#folderLabels()}): the first sub-folder of each file, names sorted,
 * taken from all files found (so indices do not change when bad files are skipped).
 *
 * <p>The fingerprint covers the relative paths, sizes and modification times of the files used, the
 * labels setting and the preprocessing ({@link ImagePreprocessing#describe()}); file contents are not
 * hashed, which would mean reading the whole dataset.
 */
public final class FolderDataset implements ImageDataset {
    private final Path root;
    private final List<FolderScan.Entry> files;
    private final int[] labels;
    private final List<String> labelNames;
    private final ImagePreprocessing preprocessing;
    private final List<BadFile> skipped;
    private final String fingerprint;

    private FolderDataset(Path root, List<FolderScan.Entry> files, int[] labels, List<String> labelNames,
            ImagePreprocessing preprocessing, List<BadFile> skipped, String fingerprint) {
        this.root = root;
        this.files = files;
        this.labels = labels;
        this.labelNames = labelNames;
        this.preprocessing = preprocessing;
        this.skipped = skipped;
        this.fingerprint = fingerprint;
    }

    public static FolderDataset open(Path dir, DatasetOptions options) throws IOException {
        String name = "folder:" + dir;
        FolderScan scan = FolderScan.of(dir);
        List<FolderScan.Entry> all = scan.images;
        if (all.isEmpty()) {
            String others = scan.otherFiles == 0 ? "the folder is empty"
                    : scan.otherFiles + " other files ignored, e.g. " + String.join(", ", scan.otherExamples);
            throw new IOException(name + ": no " + ImageFileType.ALL_NAMES + " files found (" + others + ")");
        }
        List<String> labelNames = options.folderLabels() ? labelNames(name, all) : List.of();

        BadFile[] bad = new BadFile[all.size()];
        ImageShape shape = options.shape();
        int first = 0;
        if (shape == null) {
            // the first usable file decides the shape; files before it are bad
            for (; first < all.size() && shape == null; first++) {
                try {
                    ImageHeader h = check(all.get(first), null, options);
                    shape = new ImageShape(h.channels(), h.height(), h.width());
                } catch (ImageReadException e) {
                    bad[first] = new BadFile(all.get(first).relative(), e.reason());
                }
            }
        }
        if (shape != null) {
            ImagePreprocessing target = new ImagePreprocessing(shape, options.resize());
            // independent per file, so checked in parallel; results land by index, order is unchanged
            IntStream.range(first, all.size()).parallel().forEach(i -> {
                try {
                    check(all.get(i), target, options);
                } catch (ImageReadException e) {
                    bad[i] = new BadFile(all.get(i).relative(), e.reason());
                }
            });
        }

        List<FolderScan.Entry> kept = new ArrayList<>();
        List<BadFile> bads = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (bad[i] == null) {
                kept.add(all.get(i));
            } else {
                bads.add(bad[i]);
            }
        }
        if (!bads.isEmpty() && !options.skipBad()) {
            throw new BadFilesException(name, all.size(), bads,
                    "Fix or remove them, or set the skip-bad option to leave them out.");
        }
        if (kept.isEmpty()) {
            throw new BadFilesException(name, all.size(), bads, "No usable image is left.");
        }
        ImagePreprocessing preprocessing = new ImagePreprocessing(shape, options.resize());
        int[] labels = null;
        if (options.folderLabels()) {
            labels = new int[kept.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = labelNames.indexOf(firstFolder(kept.get(i).relative()));
            }
        }
        String fp = fingerprint(kept, preprocessing, options.folderLabels());
        return new FolderDataset(dir, List.copyOf(kept), labels, labelNames, preprocessing, List.copyOf(bads), fp);
    }

    /** Header check (or full decode) of one file, plus the size rule when the target is known. */
    private static ImageHeader check(FolderScan.Entry e, ImagePreprocessing target, DatasetOptions options)
            throws ImageReadException {
        if (options.verifyAll()) {
            var decoded = ImageDecoder.read(e.file());
            if (target != null) {
                target.apply(decoded.image(), e.file().toString());
            }
            return decoded.header();
        }
        ImageHeader h = ImageProbe.probe(e.file());
        if (target != null) {
            target.checkSize(h.height(), h.width(), e.file().toString());
        }
        return h;
    }

    private static List<String> labelNames(String name, List<FolderScan.Entry> all) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        for (FolderScan.Entry e : all) {
            String folder = firstFolder(e.relative());
            if (folder == null) {
                throw new IOException(name + ": " + e.relative() + " is not inside a class sub-folder; with folder"
                        + " labels every image must be under DIR/<class>/");
            }
            names.add(folder);
        }
        return List.copyOf(names);
    }

    private static String firstFolder(String relative) {
        int slash = relative.indexOf('/');
        return slash < 0 ? null : relative.substring(0, slash);
    }

    private static String fingerprint(List<FolderScan.Entry> files, ImagePreprocessing p, boolean labels) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(("vaeforge-folder-v1\n" + p.describe() + "\nlabels=" + labels + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            for (FolderScan.Entry e : files) {
                md.update((e.relative() + "\t" + e.size() + "\t" + e.modifiedMillis() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public ImageShape shape() {
        return preprocessing.target();
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public void read(int index, float[] dst, int offset) {
        if (index < 0 || index >= files.size()) {
            throw new IndexOutOfBoundsException(description() + ": image " + index + " of " + files.size());
        }
        Path file = files.get(index).file();
        try {
            float[] chw = preprocessing.apply(ImageDecoder.read(file).image(), file.toString());
            System.arraycopy(chw, 0, dst, offset, chw.length);
        } catch (ImageReadException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    @Override
    public int label(int index) {
        return labels == null ? -1 : labels[index];
    }

    @Override
    public List<String> labelNames() {
        return labelNames;
    }

    @Override
    public String description() {
        StringBuilder sb = new StringBuilder("folder:").append(root).append(" (").append(files.size())
                .append(" images, ").append(shape());
        if (!labelNames.isEmpty()) {
            sb.append(", ").append(labelNames.size()).append(" classes from sub-folders");
        }
        if (!skipped.isEmpty()) {
            sb.append(", ").append(skipped.size()).append(" bad files skipped");
        }
        return sb.append(')').toString();
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }

    public Path root() {
        return root;
    }

    /** The file of image {@code index}. */
    public Path file(int index) {
        return files.get(index).file();
    }

    /** Path of image {@code index} relative to the root, {@code /}-separated. */
    public String relativePath(int index) {
        return files.get(index).relative();
    }

    /** Files left out because they could not be used (empty unless skip-bad was set). */
    @Override
    public List<BadFile> skipped() {
        return skipped;
    }

    public ImagePreprocessing preprocessing() {
        return preprocessing;
    }
}
