package dev.vaeforge.runtime.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to open a dataset from files. Every reader takes the same options and ignores those that do not
 * apply to it (documented per reader).
 *
 * @param shape        the shape images are converted to; null means the dataset's own (a folder: its
 *                     first file's size, and 1 channel if it is gray, else 3; CelebA: 3x64x64; IDX and
 *                     .npy: the array's)
 * @param resize       allow centre-crop + resize to {@code shape}; otherwise another size is an error
 *                     (CelebA always crops and resizes by its own protocol)
 * @param skipBad      skip files and items that cannot be used and list them, instead of failing
 * @param folderLabels label each image by its first sub-folder under the dataset root
 * @param verifyAll    decode every file when opening (slow, but no file can fail later); by default
 *                     only headers and end markers are checked
 * @param splitSizes   how a dataset without a split of its own is split ({@link Splits})
 * @param cacheDir     where decoded datasets are cached ({@link DatasetCache}); null means the default
 *                     ({@link DatasetCache#defaultRoot()})
 * @param cache        use (and build) the cache; off, CelebA JPEGs are decoded on every read and
 *                     gzipped IDX files are decompressed into memory
 * @param progress     told about slow work such as building a cache; never null
 */
public record DatasetOptions(ImageShape shape, boolean resize, boolean skipBad, boolean folderLabels,
        boolean verifyAll, SplitSizes splitSizes, Path cacheDir, boolean cache, DataProgress progress) {

    public DatasetOptions {
        Objects.requireNonNull(splitSizes, "splitSizes");
        Objects.requireNonNull(progress, "progress");
    }

    /**
     * The dataset's own shape, no resizing, bad files are an error, no labels, header checks only,
     * default split sizes, the cache on in its default place, no progress reports.
     */
    public static DatasetOptions defaults() {
        return new DatasetOptions(null, false, false, false, false, SplitSizes.defaults(), null, true,
                DataProgress.NONE);
    }

    public DatasetOptions withShape(ImageShape newShape) {
        return new DatasetOptions(newShape, resize, skipBad, folderLabels, verifyAll, splitSizes, cacheDir, cache,
                progress);
    }

    public DatasetOptions withResize(boolean newResize) {
        return new DatasetOptions(shape, newResize, skipBad, folderLabels, verifyAll, splitSizes, cacheDir, cache,
                progress);
    }

    public DatasetOptions withSkipBad(boolean newSkipBad) {
        return new DatasetOptions(shape, resize, newSkipBad, folderLabels, verifyAll, splitSizes, cacheDir, cache,
                progress);
    }

    public DatasetOptions withFolderLabels(boolean newFolderLabels) {
        return new DatasetOptions(shape, resize, skipBad, newFolderLabels, verifyAll, splitSizes, cacheDir, cache,
                progress);
    }

    public DatasetOptions withVerifyAll(boolean newVerifyAll) {
        return new DatasetOptions(shape, resize, skipBad, folderLabels, newVerifyAll, splitSizes, cacheDir, cache,
                progress);
    }

    public DatasetOptions withSplitSizes(SplitSizes newSplitSizes) {
        return new DatasetOptions(shape, resize, skipBad, folderLabels, verifyAll, newSplitSizes, cacheDir, cache,
                progress);
    }

    public DatasetOptions withCacheDir(Path newCacheDir) {
        return new DatasetOptions(shape, resize, skipBad, folderLabels, verifyAll, splitSizes, newCacheDir, cache,
                progress);
    }

    public DatasetOptions withCache(boolean newCache) {
        return new DatasetOptions(shape, resize, skipBad, folderLabels, verifyAll, splitSizes, cacheDir, newCache,
                progress);
    }

    public DatasetOptions withProgress(DataProgress newProgress) {
        return new DatasetOptions(shape, resize, skipBad, folderLabels, verifyAll, splitSizes, cacheDir, cache,
                newProgress);
    }
}
