package dev.vaeforge.runtime.data;

import dev.vaeforge.runtime.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * {@code npz:FILE}: a NumPy {@code .npz} (a zip of {@code .npy} arrays, stored or deflated) holding
 * images with their ground-truth factors, as the original dSprites file
 * {@code dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz} does:
 * <ul>
 *   <li>{@code imgs}: (N, H, W) or (N, H, W, C) / (N, C, H, W), uint8 or float32 as for {@code npy:};
 *       uint8 arrays whose values are all 0 or 1 (dSprites' binary images) are read as 0 and 1;</li>
 *   <li>{@code latents_classes}: (N, K) integers, each image's class of each factor;</li>
 *   <li>{@code latents_values} (optional): (N, K) float64 or float32, the value each class stands for.</li>
 * </ul>
 * Factors with a single class (dSprites' colour) are left out. With K = 6 the factors are named as
 * dSprites' (color, shape, scale, orientation, posX, posY), otherwise factor0, factor1, ...
 *
 * <p>Memory: the arrays are extracted once, streamed, into the dataset cache (the images memory-mapped
 * from there, so the 3 GB of dSprites never sit on the heap); the classes are held as one int per image
 * and factor. {@link #render} finds the image of a class combination by its C-order grid index when
 * the file is the full grid in order (dSprites), else through a map built once.
 */
final class NpzDataset implements FactorDataset {
    static final String USAGE = "npz:FILE (a NumPy .npz with imgs, latents_classes[, latents_values], e.g. dSprites')";
    private static final List<String> DSPRITES_NAMES = List.of("color", "shape", "scale", "orientation", "posX", "posY");

    private final String description;
    private final ImageDataset images;
    private final float gain;
    private final FactorSpec factors;
    private final int[] classes;
    private final boolean gridOrder;
    private final Map<Long, Integer> rowOf;

    private NpzDataset(String description, ImageDataset images, float gain, FactorSpec factors, int[] classes) {
        this.description = description;
        this.images = images;
        this.gain = gain;
        this.factors = factors;
        this.classes = classes;
        int k = factors.count();
        int n = images.size();
        boolean ordered = n == factors.combinations();
        int[] c = new int[k];
        for (int i = 0; i < n && ordered; i++) {
            System.arraycopy(classes, i * k, c, 0, k);
            ordered = factors.index(c) == i;
        }
        this.gridOrder = ordered;
        if (ordered) {
            rowOf = null;
        } else {
            rowOf = new HashMap<>();
            for (int i = 0; i < n; i++) {
                System.arraycopy(classes, i * k, c, 0, k);
                rowOf.putIfAbsent(factors.index(c), i);
            }
        }
    }

    static ImageDataset open(String argument, DatasetOptions options) throws IOException {
        Path file = Path.of(argument.strip());
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw Files.exists(file) ? new DataFileException(name, "is not a file; npz: takes a .npz file")
                    : new NoSuchFileException(name, null, "no such .npz file");
        }
        Path dir = extract(file, options);
        Path imgs = dir.resolve("imgs.npy");
        NpyHeader ih = header(imgs, name + "[imgs]");
        checkImages(name, ih);
        long n = ih.shape()[0];
        float gain = 1;
        if (ih.descr().endsWith("u1") && maxByte(imgs, ih) <= 1) {
            gain = 255;
        }
        ImageDataset pixels = NpyDataset.open(imgs.toString(), options);

        Path lc = dir.resolve("latents_classes.npy");
        if (!Files.exists(lc)) {
            throw new DataFileException(name, "holds no array 'latents_classes' (it has " + listing(dir)
                    + "); expected latents_classes of shape (" + n + ", K) beside imgs");
        }
        NpyHeader ch = header(lc, name + "[latents_classes]");
        checkClasses(name, ih, ch);
        int k = (int) ch.shape()[1];
        long[] raw = readIntegers(lc, ch, name + "[latents_classes]");
        double[] values = null;
        Path lv = dir.resolve("latents_values.npy");
        if (Files.exists(lv)) {
            NpyHeader vh = header(lv, name + "[latents_values]");
            checkValues(name, ch, vh);
            values = readFloats(lv, vh, name + "[latents_values]");
        }
        return build(name, pixels, gain, (int) n, k, raw, values);
    }

    private static NpzDataset build(String name, ImageDataset pixels, float gain, int n, int k, long[] raw,
            double[] values) {
        List<String> names = new ArrayList<>();
        List<int[]> sizes = new ArrayList<>();
        List<double[]> vals = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        List<Map<Long, Integer>> remaps = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            TreeSet<Long> distinct = new TreeSet<>();
            for (int i = 0; i < n; i++) {
                distinct.add(raw[i * k + f]);
            }
            if (distinct.size() < 2) {
                continue;
            }
            Map<Long, Integer> remap = new HashMap<>();
            for (long v : distinct) {
                remap.put(v, remap.size());
            }
            double[] v = new double[distinct.size()];
            boolean[] seen = new boolean[v.length];
            for (int i = 0; i < n; i++) {
                int c = remap.get(raw[i * k + f]);
                if (!seen[c]) {
                    seen[c] = true;
                    v[c] = values != null ? values[i * k + f] : raw[i * k + f];
                }
            }
            names.add(k == DSPRITES_NAMES.size() ? DSPRITES_NAMES.get(f) : "factor" + f);
            sizes.add(new int[] {distinct.size()});
            vals.add(v);
            kept.add(f);
            remaps.add(remap);
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException(name + ": every factor of latents_classes is constant; expected at least"
                    + " one factor with two or more classes");
        }
        int kk = kept.size();
        int[] classes = new int[n * kk];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < kk; j++) {
                classes[i * kk + j] = remaps.get(j).get(raw[i * k + kept.get(j)]);
            }
        }
        FactorSpec spec = new FactorSpec(names, sizes.stream().mapToInt(a -> a[0]).toArray(),
                vals.toArray(new double[0][]));
        return new NpzDataset("npz:" + name, pixels, gain, spec, classes);
    }

    private static void checkImages(String name, NpyHeader ih) throws DataFileException {
        if (ih.shape().length < 3) {
            throw new DataFileException(name, "array 'imgs' has shape " + ih.shapeText() + "; expected (N, H, W),"
                    + " (N, H, W, C) or (N, C, H, W) images");
        }
    }

    private static void checkClasses(String name, NpyHeader ih, NpyHeader ch) throws DataFileException {
        long n = ih.shape()[0];
        if (ch.shape().length != 2 || ch.shape()[0] != n || ch.shape()[1] < 1) {
            throw new DataFileException(name, "array 'latents_classes' has shape " + ch.shapeText() + "; expected ("
                    + n + ", K), one row of factor classes per image of imgs " + ih.shapeText());
        }
    }

    private static void checkValues(String name, NpyHeader ch, NpyHeader vh) throws DataFileException {
        if (vh.shape().length != 2 || vh.shape()[0] != ch.shape()[0] || vh.shape()[1] != ch.shape()[1]) {
            throw new DataFileException(name, "array 'latents_values' has shape " + vh.shapeText() + "; expected ("
                    + ch.shape()[0] + ", " + ch.shape()[1] + ") like latents_classes " + ch.shapeText());
        }
    }

    /**
     * Checks the arrays from the zip's directory and each entry's .npy header (its first bytes) before
     * anything is extracted, so a missing or misshapen array is reported at once, not after gigabytes.
     */
    private static void checkEntries(String name, ZipFile zip, Map<String, ZipEntry> arrays) throws IOException {
        String has = arrays.isEmpty() ? "no .npy arrays" : String.join(", ", new TreeSet<>(arrays.keySet()));
        if (!arrays.containsKey("imgs")) {
            throw new DataFileException(name, "holds no array 'imgs' (it has " + has + "); expected imgs,"
                    + " latents_classes and optionally latents_values, as the dSprites .npz has");
        }
        NpyHeader ih = entryHeader(zip, arrays.get("imgs"), name, "imgs");
        checkImages(name, ih);
        if (!arrays.containsKey("latents_classes")) {
            throw new DataFileException(name, "holds no array 'latents_classes' (it has " + has
                    + "); expected latents_classes of shape (" + ih.shape()[0] + ", K) beside imgs");
        }
        NpyHeader ch = entryHeader(zip, arrays.get("latents_classes"), name, "latents_classes");
        checkClasses(name, ih, ch);
        if (arrays.containsKey("latents_values")) {
            checkValues(name, ch, entryHeader(zip, arrays.get("latents_values"), name, "latents_values"));
        }
    }

    private static NpyHeader entryHeader(ZipFile zip, ZipEntry e, String name, String array) throws IOException {
        String what = name + "[" + array + "]";
        if (e.getSize() < 0) {
            throw new DataFileException(what, "has no size in the zip directory; expected a .npz as NumPy writes it");
        }
        try (InputStream in = zip.getInputStream(e)) {
            NpyHeader h = NpyHeader.read(in, e.getSize(), what);
            if (h.fortranOrder()) {
                throw new DataFileException(what, "is Fortran-ordered; expected a C-ordered array");
            }
            return h;
        }
    }

    /** Extracts every .npy entry of the zip into a cache directory keyed by the file's path, size and time. */
    private static Path extract(Path file, DatasetOptions options) throws IOException {
        String key = Fingerprint.of("vaeforge-npz-v1").file("npz", file).hex();
        Path root = options.cache() ? DatasetCache.root(options) : Files.createTempDirectory("vaeforge-npz");
        Path dir = root.resolve("npz-v1-" + key.substring(0, 16));
        if (Files.exists(dir.resolve("complete"))) {
            return dir;
        }
        String name = file.toString();
        Path staged = AtomicFiles.tempSibling(dir);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<? extends ZipEntry> entries = Collections.list(zip.entries());
            Map<String, ZipEntry> arrays = new HashMap<>();
            for (ZipEntry e : entries) {
                String entry = e.getName();
                if (entry.endsWith(".npy") && !entry.contains("/") && !entry.contains("\\")) {
                    arrays.put(entry.substring(0, entry.length() - 4), e);
                }
            }
            checkEntries(name, zip, arrays);
            long total = entries.stream().mapToLong(e -> Math.max(e.getSize(), 0)).sum();
            long done = 0;
            for (ZipEntry e : entries) {
                String entry = e.getName();
                if (!entry.endsWith(".npy") || entry.contains("/") || entry.contains("\\")) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(e);
                        OutputStream out = Files.newOutputStream(staged.resolve(entry))) {
                    byte[] buf = new byte[1 << 20];
                    for (int r; (r = in.read(buf)) > 0; ) {
                        out.write(buf, 0, r);
                        done += r;
                        options.progress().update("npz:" + name + ": extracting " + entry, done, Math.max(total, done));
                    }
                }
            }
        } catch (java.util.zip.ZipException e) {
            AtomicFiles.deleteTree(staged);
            throw new DataFileException(name, "is not a readable .npz (zip) file: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            AtomicFiles.deleteTree(staged);
            throw e;
        }
        Files.writeString(staged.resolve("complete"), file.toAbsolutePath() + "\n");
        AtomicFiles.publishDirectory(staged, dir, true);
        return dir;
    }

    private static String listing(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".npy"))
                    .map(f -> f.substring(0, f.length() - 4)).sorted().toList();
            return names.isEmpty() ? "no .npy arrays" : String.join(", ", names);
        }
    }

    private static NpyHeader header(Path p, String name) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            NpyHeader h = NpyHeader.read(ch, name);
            if (h.fortranOrder()) {
                throw new DataFileException(name, "is Fortran-ordered; expected a C-ordered array");
            }
            return h;
        }
    }

    private static int maxByte(Path p, NpyHeader h) throws IOException {
        int max = 0;
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            for (long pos = h.dataOffset(); pos < size && max <= 1; pos += 1 << 30) {
                MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, pos, Math.min(1L << 30, size - pos));
                while (b.hasRemaining() && max <= 1) {
                    max = Math.max(max, b.get() & 0xff);
                }
            }
        }
        return max;
    }

    private static ByteBuffer data(Path p, NpyHeader h) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long bytes = ch.size() - h.dataOffset();
            if (bytes > Integer.MAX_VALUE) {
                throw new DataFileException(p.toString(), "factor array of " + bytes + " bytes is too large");
            }
            ByteBuffer b = ByteBuffer.allocate((int) bytes);
            while (b.hasRemaining() && ch.read(b, h.dataOffset() + b.position()) > 0) {
                // read on
            }
            b.flip();
            return b.order(h.descr().startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static long[] readIntegers(Path p, NpyHeader h, String name) throws IOException {
        String t = h.descr().replaceAll("^[<>|=]", "");
        ByteBuffer b = data(p, h);
        long[] out = new long[(int) h.elements()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (t) {
                case "i1" -> b.get();
                case "u1" -> b.get() & 0xff;
                case "i2" -> b.getShort();
                case "u2" -> b.getShort() & 0xffff;
                case "i4" -> b.getInt();
                case "u4" -> b.getInt() & 0xffffffffL;
                case "i8", "u8" -> b.getLong();
                default -> throw new DataFileException(name, "has dtype '" + h.descr() + "'; expected integer classes"
                        + " (int8..int64, uint8..uint64)");
            };
        }
        return out;
    }

    private static double[] readFloats(Path p, NpyHeader h, String name) throws IOException {
        String t = h.descr().replaceAll("^[<>|=]", "");
        if (!t.equals("f8") && !t.equals("f4")) {
            throw new DataFileException(name, "has dtype '" + h.descr() + "'; expected float64 or float32 values");
        }
        ByteBuffer b = data(p, h);
        double[] out = new double[(int) h.elements()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.equals("f8") ? b.getDouble() : b.getFloat();
        }
        return out;
    }

    @Override
    public FactorSpec factors() {
        return factors;
    }

    @Override
    public void factorClasses(int index, int[] dst) {
        System.arraycopy(classes, index * factors.count(), dst, 0, factors.count());
    }

    @Override
    public void render(int[] c, float[] dst, int offset) {
        long g = factors.index(c);
        Integer row = gridOrder ? Integer.valueOf((int) g) : rowOf.get(g);
        if (row == null) {
            throw new IllegalArgumentException(description + " holds no image with factor classes "
                    + java.util.Arrays.toString(c) + " (" + factors + ")");
        }
        read(row, dst, offset);
    }

    @Override
    public ImageShape shape() {
        return images.shape();
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public void read(int index, float[] dst, int offset) {
        images.read(index, dst, offset);
        if (gain != 1) {
            int per = shape().size();
            for (int i = 0; i < per; i++) {
                dst[offset + i] = Math.min(1f, dst[offset + i] * gain);
            }
        }
    }

    @Override
    public int label(int index) {
        int s = factors.names().indexOf("shape");
        return s < 0 ? -1 : classes[index * factors.count() + s];
    }

    @Override
    public List<String> labelNames() {
        int s = factors.names().indexOf("shape");
        if (s < 0) {
            return List.of();
        }
        return factors.size(s) == 3 ? DSpritesDataset.SHAPE_NAMES
                : java.util.stream.IntStream.range(0, factors.size(s)).mapToObj(Integer::toString).toList();
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "%s (%d images, %s, factors %s)", description, size(), shape(), factors);
    }

    @Override
    public String fingerprint() {
        return images.fingerprint();
    }
}
