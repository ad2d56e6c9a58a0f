package dev.vaeforge.runtime.data;

import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decoded datasets on disk, so JPEGs are decoded once rather than once per epoch. An entry is a
 * directory {@code ROOT/<scheme>-v<version>-<key16>/} holding {@code images.npy} (uint8, shape
 * {@code (N, C, H, W)}, memory-mapped when read) and {@code cache.json} ({@link CacheInfo}). The key is a
 * SHA-256 of the source files (paths, sizes, modification times; small list files by content) and the
 * preprocessing, computed by the reader; a changed source or setting gives another key and so another
 * entry, and the stale one of the same source and preprocessing is deleted. Entries are built in a
 * temporary sibling directory and renamed into place, so a crash or a concurrent build never leaves a
 * half-written entry behind a valid name. See docs/decisions/0007-dataset-cache.md.
 */
public final class DatasetCache {
    public static final String FORMAT = "vaeforge-dataset-cache";
    public static final int FORMAT_VERSION = 1;
    static final String IMAGES = "images.npy";
    static final String INFO = "cache.json";

    /** Fills a new entry: writes every slot or marks it skipped. */
    @FunctionalInterface
    interface Filler {
        void fill(Writer writer) throws IOException;
    }

    /** An opened entry. */
    record Entry(Path dir, CacheInfo info, MappedImages images, boolean built) {
    }

    private DatasetCache() {
    }

    /**
     * {@code $VAEFORGE_CACHE} if set, else {@code $XDG_CACHE_HOME/vaeforge/datasets}, else
     * {@code ~/.cache/vaeforge/datasets}.
     */
    public static Path defaultRoot() {
        String own = System.getenv("VAEFORGE_CACHE");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("vaeforge").resolve("datasets");
    }

    static Path root(DatasetOptions options) {
        return options.cacheDir() != null ? options.cacheDir() : defaultRoot();
    }

    /** The directory of an entry. */
    static Path entryDir(Path root, String scheme, String key) {
        return root.resolve(scheme + "-v" + FORMAT_VERSION + "-" + key.substring(0, 16));
    }

    /**
     * Opens the entry of {@code key}, building it with {@code filler} when it is missing or unusable.
     *
     * @param source        the dataset spec, for cache.json and for finding stale entries
     * @param preprocessing text describing how items become stored images
     */
    static Entry openOrBuild(Path root, String scheme, String key, String source, String preprocessing,
            ImageShape shape, int count, DataProgress progress, Filler filler) throws IOException {
        Path dir = entryDir(root, scheme, key);
        Entry existing = open(dir, key, shape, count);
        if (existing != null) {
            return existing;
        }
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new IOException(root + ": cannot create the dataset cache folder (" + e.getMessage()
                    + "); choose another with --cache-dir or turn the cache off with --no-cache", e);
        }
        long t0 = System.nanoTime();
        Path staged = AtomicFiles.tempSibling(dir);
        try {
            Writer writer = new Writer(staged.resolve(IMAGES), shape, count, source + ": building the cache", progress);
            try (writer) {
                filler.fill(writer);
            }
            List<CacheInfo.SkippedSlot> skipped = writer.skipped();
            CacheInfo info = new CacheInfo(FORMAT, FORMAT_VERSION, key, source, preprocessing, count, shape.channels(),
                    shape.height(), shape.width(), "uint8", "NCHW", skipped, Instant.now().toString(),
                    Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
            Files.writeString(staged.resolve(INFO), Json.write(info));
            try {
                AtomicFiles.publishDirectory(staged, dir, Files.exists(dir));
            } catch (FileAlreadyExistsException e) {
                // another process built the same entry meanwhile: use theirs
                AtomicFiles.deleteTree(staged);
            }
        } catch (IOException | RuntimeException | Error e) {
            AtomicFiles.deleteTree(staged);
            throw e;
        }
        Entry built = open(dir, key, shape, count);
        if (built == null) {
            throw new IOException(dir + ": the dataset cache entry just built cannot be read back");
        }
        removeStale(root, scheme, dir, source, preprocessing);
        return new Entry(built.dir(), built.info(), built.images(), true);
    }

    /** The entry in {@code dir} if it is complete and matches; null otherwise (it will be rebuilt). */
    static Entry open(Path dir, String key, ImageShape shape, int count) {
        Path infoFile = dir.resolve(INFO);
        Path images = dir.resolve(IMAGES);
        if (!Files.isRegularFile(infoFile) || !Files.isRegularFile(images)) {
            return null;
        }
        try {
            CacheInfo info = Json.mapper().readValue(Files.readString(infoFile), CacheInfo.class);
            if (!FORMAT.equals(info.format()) || info.formatVersion() != FORMAT_VERSION || !key.equals(info.key())
                    || info.count() != count || !shape.equals(info.shape())) {
                return null;
            }
            for (CacheInfo.SkippedSlot s : info.skipped()) {
                if (s.slot() < 0 || s.slot() >= count) {
                    return null;
                }
            }
            NpyHeader h;
            try (FileChannel ch = FileChannel.open(images, StandardOpenOption.READ)) {
                h = NpyHeader.read(ch, images.toString());
            }
            long[] want = {count, shape.channels(), shape.height(), shape.width()};
            if (!h.descr().equals("|u1") || h.fortranOrder() || !java.util.Arrays.equals(h.shape(), want)) {
                return null;
            }
            MappedBytes bytes = MappedBytes.map(images, h.dataOffset(), (long) count * shape.size());
            return new Entry(dir, info, new MappedImages(bytes, count, shape, MappedImages.Layout.NCHW,
                    MappedImages.DType.U8), false);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Deletes other entries of the same scheme, source and preprocessing: their source files have changed. */
    private static void removeStale(Path root, String scheme, Path keep, String source, String preprocessing) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, scheme + "-v" + FORMAT_VERSION + "-*")) {
            for (Path d : ds) {
                if (d.equals(keep) || !Files.isRegularFile(d.resolve(INFO))) {
                    continue;
                }
                try {
                    CacheInfo other = Json.mapper().readValue(Files.readString(d.resolve(INFO)), CacheInfo.class);
                    if (source.equals(other.source()) && preprocessing.equals(other.preprocessing())) {
                        AtomicFiles.deleteTree(d);
                    }
                } catch (IOException | RuntimeException e) {
                    // unreadable or being deleted by someone else: not ours to judge
                }
            }
        } catch (IOException e) {
            // best effort: a stale entry only costs disk space
        }
    }

    /** Rounds [0, 1] floats to bytes: {@code floor(v * 255 + 0.5)}, clamped, NaN as 0 (as {@code PngWriter}). */
    static byte[] toBytes(float[] chw) {
        byte[] out = new byte[chw.length];
        for (int i = 0; i < chw.length; i++) {
            float v = chw[i];
            int b = v != v ? 0 : (int) Math.floor(Math.min(1f, Math.max(0f, v)) * 255f + 0.5f);
            out[i] = (byte) b;
        }
        return out;
    }

    /** Writes the slots of a new entry; safe from many threads. */
    static final class Writer implements AutoCloseable {
        private final FileChannel channel;
        private final long dataOffset;
        private final int imageBytes;
        private final int count;
        private final String task;
        private final DataProgress progress;
        private final AtomicLong done = new AtomicLong();
        private final AtomicLong lastReport = new AtomicLong(System.nanoTime());
        private final List<CacheInfo.SkippedSlot> skipped = Collections.synchronizedList(new ArrayList<>());

        Writer(Path file, ImageShape shape, int count, String task, DataProgress progress) throws IOException {
            byte[] header = NpyHeader.encode("|u1", new long[] {count, shape.channels(), shape.height(), shape.width()});
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
            this.dataOffset = header.length;
            this.imageBytes = shape.size();
            this.count = count;
            this.task = task;
            this.progress = progress;
            write(ByteBuffer.wrap(header), 0);
            long end = dataOffset + (long) count * imageBytes;
            if (count > 0) {
                write(ByteBuffer.wrap(new byte[1]), end - 1); // sized up front; unwritten slots read as zeros
            }
        }

        int count() {
            return count;
        }

        /** Stores slot {@code slot}: CHW bytes of the entry's shape. */
        void write(int slot, byte[] chw) throws IOException {
            if (chw.length != imageBytes || slot < 0 || slot >= count) {
                throw new IllegalArgumentException("slot " + slot + " of " + count + ": " + chw.length + " bytes, expected "
                        + imageBytes);
            }
            write(ByteBuffer.wrap(chw), dataOffset + (long) slot * imageBytes);
            step();
        }

        /** Leaves slot {@code slot} empty because its item is bad. */
        void skip(int slot, BadFile why) {
            skipped.add(new CacheInfo.SkippedSlot(slot, why.path(), why.reason()));
            step();
        }

        List<CacheInfo.SkippedSlot> skipped() {
            List<CacheInfo.SkippedSlot> out = new ArrayList<>(skipped);
            out.sort(Comparator.comparingInt(CacheInfo.SkippedSlot::slot));
            return out;
        }

        private void step() {
            long d = done.incrementAndGet();
            long now = System.nanoTime();
            long last = lastReport.get();
            if (d == count || (now - last > 500_000_000L && lastReport.compareAndSet(last, now))) {
                progress.update(task, d, count);
            }
        }

        private void write(ByteBuffer buf, long position) throws IOException {
            while (buf.hasRemaining()) {
                position += channel.write(buf, position);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                channel.force(true);
            } finally {
                channel.close();
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "cache writer %s (%d/%d)", task, done.get(), count);
        }
    }
}
