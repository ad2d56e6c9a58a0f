package dev.vaeforge.runtime.data;

import dev.vaeforge.fixtures.CelebaFixture;
import dev.vaeforge.runtime.image.DecodedImage;
import dev.vaeforge.runtime.image.ImageDecoder;
import dev.vaeforge.runtime.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Data-loading throughput, printed as a table; never a unit test (timings depend on the machine and
 * its load). docs/BENCHMARKS.md, section "Data loading", says how to run it and what was measured.
 *
 * <pre>
 *   DataBench [images=3000] [workdir=target/databench] [npy-gb=0]
 * </pre>
 * 1. CelebA-sized JPEGs: writes {@code images} textured 178x218 JPEGs (CelebaFixture), then times one
 *    thread's stages (read, decode, crop+resize, 8-bit) and the whole cache build on all cores.
 * 2. Reading the cache: a shuffled pass in batches of 64 on one thread, as the trainer's loader does.
 * 3. Fashion-MNIST (if installed): opening (decompressing into the cache) and a read pass.
 * 4. With npy-gb &gt; 0: writes an .npy of that many GB and reads every image of it, to show that
 *    mapping in chunks handles arrays over 2 GB and that the heap stays small.
 * The live heap after GC is printed at the end: it should not grow with the dataset.
 */
public final class DataBench {
    private static final List<String[]> ROWS = new ArrayList<>();

    private DataBench() {
    }

    public static void main(String[] args) throws IOException {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        Path work = Path.of(args.length > 1 ? args[1] : "target/databench").toAbsolutePath();
        double npyGb = args.length > 2 ? Double.parseDouble(args[2]) : 0;
        Files.createDirectories(work);
        System.out.printf(Locale.ROOT, "DataBench: %d cores, max heap %d MB, java %s, %s%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"), System.getProperty("os.arch"));

        Path celeba = work.resolve("celeba-" + images);
        if (!Files.isDirectory(celeba.resolve("img_align_celeba"))) {
            long t0 = System.nanoTime();
            CelebaFixture.write(celeba, images, 1, true);
            System.out.printf(Locale.ROOT, "wrote %d textured 178x218 JPEGs in %.1f s%n", images, secs(t0));
        }
        long bytes = 0;
        try (var s = Files.list(celeba.resolve("img_align_celeba"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                bytes += Files.size(p);
            }
        }
        row("JPEG files", images, "mean " + (bytes / images / 1024.0 > 0 ? String.format(Locale.ROOT, "%.1f KB",
                bytes / (double) images / 1024) : "?"), "");

        stages(celeba, Math.min(images, 500));

        Path cache = work.resolve("cache");
        AtomicFiles.deleteTree(cache);
        DatasetOptions o = DatasetOptions.defaults().withCacheDir(cache);
        // warm the JIT on a small build first, so the timed build measures steady state
        Path warm = work.resolve("celeba-warm");
        if (!Files.isDirectory(warm)) {
            CelebaFixture.write(warm, 200, 2, true);
        }
        Datasets.open("celeba:" + warm, o);
        long t0 = System.nanoTime();
        ImageDataset d = Datasets.open("celeba:" + celeba, o);
        double build = secs(t0);
        row("cache build (celeba, crop 148 -> 64x64)", images, rate(images, build), Parallel.defaultThreads()
                + " threads, " + String.format(Locale.ROOT, "%.2f s", build));

        double open = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            t0 = System.nanoTime();
            d = Datasets.open("celeba:" + celeba, o);
            open = Math.min(open, secs(t0));
        }
        row("open cached (list folder, fingerprint, map)", images, String.format(Locale.ROOT, "%.0f ms", open * 1000),
                "best of 3");
        readPass("cache read, 3x64x64, shuffled batches of 64", d, 3);

        Path fashion = Path.of("/usr/share/datasets/fashion-mnist");
        if (Files.isRegularFile(fashion.resolve("train-images-idx3-ubyte.gz"))) {
            t0 = System.nanoTime();
            ImageDataset f = Datasets.open("idx:" + fashion, o);
            double idxOpen = secs(t0);
            row("idx open (gunzip 70000 images into the cache)", f.size(), rate(f.size(), idxOpen),
                    String.format(Locale.ROOT, "%.2f s", idxOpen));
            t0 = System.nanoTime();
            Datasets.open("idx:" + fashion, o);
            row("idx open again (cached)", f.size(), String.format(Locale.ROOT, "%.0f ms", secs(t0) * 1000), "");
            readPass("idx read, 1x28x28, shuffled batches of 64", f, 2);
        }
        if (npyGb > 0) {
            bigNpy(work, npyGb);
        }
        System.out.println();
        System.out.printf("%-48s %9s %16s  %s%n", "what", "images", "result", "notes");
        for (String[] r : ROWS) {
            System.out.printf("%-48s %9s %16s  %s%n", (Object[]) r);
        }
        System.out.printf(Locale.ROOT, "%nheap: live after GC %d MB with the datasets above still open; JVM max %d MB%n",
                liveHeapMb(), Runtime.getRuntime().maxMemory() >> 20);
        System.out.println(d.size() > 0 ? "" : "!");
    }

    /** One thread: where the time of one image goes. */
    private static void stages(Path celeba, int n) throws IOException {
        CelebaCrop crop = new CelebaCrop(148, CelebaCrop.DEFAULT_TARGET);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            files.add(celeba.resolve("img_align_celeba").resolve(CelebaFixture.fileName(i)));
        }
        for (int rep = 0; rep < 2; rep++) { // the first round warms the JIT
            long read = 0;
            long decode = 0;
            long fit = 0;
            long quant = 0;
            for (Path p : files) {
                long t0 = System.nanoTime();
                byte[] b = Files.readAllBytes(p);
                long t1 = System.nanoTime();
                DecodedImage img = ImageDecoder.decode(b, p.toString());
                long t2 = System.nanoTime();
                float[] chw = crop.apply(img.image(), p.toString());
                long t3 = System.nanoTime();
                DatasetCache.toBytes(chw);
                long t4 = System.nanoTime();
                read += t1 - t0;
                decode += t2 - t1;
                fit += t3 - t2;
                quant += t4 - t3;
            }
            if (rep == 1) {
                double total = (read + decode + fit + quant) / 1e6 / n;
                row("one thread: read + decode + crop/resize + 8-bit", n, String.format(Locale.ROOT, "%.2f ms/image",
                        total), String.format(Locale.ROOT, "read %.2f, decode %.2f, crop+resize %.2f, 8-bit %.3f ms",
                        read / 1e6 / n, decode / 1e6 / n, fit / 1e6 / n, quant / 1e6 / n));
            }
        }
    }

    /** Shuffled batches of 64 on one thread, as BatchLoader reads them. */
    private static void readPass(String what, ImageDataset d, int passes) {
        int n = d.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random r = new Random(1);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double best = Double.MAX_VALUE;
        double sum = 0;
        for (int p = 0; p < passes; p++) {
            long t0 = System.nanoTime();
            for (int from = 0; from + 64 <= n; from += 64) {
                float[] b = d.batch(order, from, 64);
                sum += b[0];
            }
            best = Math.min(best, secs(t0));
        }
        int read = n / 64 * 64;
        row(what, read, rate(read, best), String.format(Locale.ROOT, "one thread, best of %d (%.0f MB/s of floats)",
                passes, read * (double) d.shape().size() * 4 / best / 1e6) + (sum < 0 ? "!" : ""));
    }

    private static void bigNpy(Path work, double gb) throws IOException {
        int side = 64;
        int per = 3 * side * side;
        int n = (int) (gb * 1e9 / per);
        Path file = work.resolve("big.npy");
        long t0 = System.nanoTime();
        byte[] header = NpyHeader.encode("|u1", new long[] {n, side, side, 3});
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(header);
            byte[] img = new byte[per];
            for (int i = 0; i < n; i++) {
                img[0] = (byte) i;
                img[per - 1] = (byte) (i >> 8);
                out.write(img);
            }
        }
        row("wrote big.npy", n, String.format(Locale.ROOT, "%.2f GB", Files.size(file) / 1e9),
                String.format(Locale.ROOT, "%.1f s", secs(t0)));
        ImageDataset d = Datasets.open("npy:" + file, DatasetOptions.defaults());
        t0 = System.nanoTime();
        float[] img = new float[per];
        double check = 0;
        for (int i = 0; i < n; i++) {
            d.read(i, img, 0);
            check += img[per - 1];
        }
        double s = secs(t0);
        row("npy read, every image of a " + String.format(Locale.ROOT, "%.1f", gb) + " GB array", n, rate(n, s),
                "sequential, one thread" + (check < 0 ? "!" : ""));
        row("  live heap after GC with it open", n, liveHeapMb() + " MB", "");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        Files.delete(file);
    }

    private static void row(String what, int images, String result, String notes) {
        ROWS.add(new String[] {what, String.valueOf(images), result, notes});
        System.out.printf("  %s: %s %s%n", what, result, notes);
    }

    private static String rate(int images, double seconds) {
        return String.format(Locale.ROOT, "%.0f images/s", images / seconds);
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static long liveHeapMb() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }
}
