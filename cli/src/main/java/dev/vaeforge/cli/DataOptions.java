package dev.vaeforge.cli;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.DataProgress;
import dev.vaeforge.runtime.data.DatasetOptions;
import dev.vaeforge.runtime.data.Split;
import dev.vaeforge.runtime.data.SplitSizes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Which part of a dataset, how datasets without their own split are split, and the dataset cache. */
final class DataOptions {
    @Option(names = "--split", paramLabel = "train|valid|test", description = "The part of the dataset to use: the"
            + " dataset's own split (CelebA partition, IDX train/t10k) or else a seeded one (see --test-fraction).")
    String split;

    @Option(names = "--test-fraction", defaultValue = "0.1", description = "For datasets without their own split:"
            + " share of the images in the test split. Default: ${DEFAULT-VALUE}.")
    double testFraction;

    @Option(names = "--valid-fraction", defaultValue = "0", description = "For datasets without their own split:"
            + " share of the images in the validation split. Default: ${DEFAULT-VALUE}.")
    double validFraction;

    @Option(names = "--split-seed", defaultValue = "0", description = "For datasets without their own split: seed"
            + " of the shuffle (independent of --seed, so every command sees the same parts). Default: ${DEFAULT-VALUE}.")
    long splitSeed;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Where decoded datasets (CelebA, gzipped IDX)"
            + " are cached. Default: $VAEFORGE_CACHE, else $XDG_CACHE_HOME/vaeforge/datasets, else"
            + " ~/.cache/vaeforge/datasets.")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Do not read or write the dataset cache (CelebA JPEGs are then"
            + " decoded on every read).")
    boolean noCache;

    /** The parsed --split, or null when it was not given. */
    Split split() {
        if (split == null) {
            return null;
        }
        try {
            return Split.parse(split);
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--split: " + e.getMessage());
        }
    }

    SplitSizes sizes() {
        try {
            return new SplitSizes(validFraction, testFraction, splitSeed);
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "--valid-fraction/--test-fraction: "
                    + e.getMessage());
        }
    }

    /** {@code base} with these options and cache progress reported on {@code err}. */
    DatasetOptions apply(DatasetOptions base, PrintWriter err) {
        return apply(base, sizes(), err);
    }

    /** {@code base} with split sizes recorded elsewhere (a resumed run's), this cache and progress on {@code err}. */
    DatasetOptions apply(DatasetOptions base, SplitSizes recorded, PrintWriter err) {
        return base.withSplitSizes(recorded).withCacheDir(cacheDir).withCache(!noCache).withProgress(progress(err));
    }

    /** One line every 5 seconds and one at the end: a cache build of CelebA takes minutes. */
    static DataProgress progress(PrintWriter err) {
        long[] last = {0};
        long started = System.nanoTime();
        return (task, done, total) -> {
            long now = System.nanoTime();
            synchronized (last) {
                if (done < total && now - last[0] < 5_000_000_000L) {
                    return;
                }
                last[0] = now;
                double s = (now - started) / 1e9;
                err.printf(Locale.ROOT, "%s: %d/%d (%.0f/s)%n", task, done, total, s > 0 ? done / s : 0.0);
                err.flush();
            }
        };
    }
}
