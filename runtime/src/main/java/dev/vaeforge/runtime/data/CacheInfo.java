package dev.vaeforge.runtime.data;

import java.util.List;

/**
 * The content of a dataset cache's {@code cache.json} (see {@link DatasetCache} and
 * docs/decisions/0007-dataset-cache.md).
 *
 * @param format        always {@link DatasetCache#FORMAT}
 * @param formatVersion {@link DatasetCache#FORMAT_VERSION} when written
 * @param key           the full cache key (64 hex digits): source files and preprocessing
 * @param source        the dataset, e.g. "celeba:/data/celeba"; stale caches of the same source and
 *                      preprocessing are removed when a new one is built
 * @param preprocessing how the source became the stored images, as text
 * @param count         number of slots in {@code images.npy}
 * @param skipped       slots that hold no image (zeros) because the source item was bad
 * @param buildSeconds  how long building took
 */
public record CacheInfo(String format, int formatVersion, String key, String source, String preprocessing, int count,
                        int channels, int height, int width, String dtype, String layout, List<SkippedSlot> skipped,
                        String createdAt, double buildSeconds) {

    public CacheInfo {
        skipped = skipped == null ? List.of() : List.copyOf(skipped);
    }

    /** A slot left empty, with the item's path and what was wrong with it. */
    public record SkippedSlot(int slot, String path, String reason) {
    }

    ImageShape shape() {
        return new ImageShape(channels, height, width);
    }
}
