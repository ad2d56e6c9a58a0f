package dev.vaeforge.exporter;

import dev.vaeforge.runtime.bundle.BundleFormat;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.data.ImageDataset;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * What every {@link GraphSetExport} is given: the metadata each graph carries, the parity batch and
 * the seeded random source of the parity inputs, and (when the caller has them) the training images a
 * fitted prior is computed from.
 */
public final class ExportContext {
    private final Map<String, String> metadata;
    private final int parityBatch;
    private final Random random;
    private final Supplier<? extends ImageDataset> trainingImages;

    /**
     * @param trainingImages opens the run's training images on first use (a fitted prior); null when
     *     there are none or none are wanted
     */
    public ExportContext(Map<String, String> metadata, int parityBatch, long paritySeed,
                         Supplier<? extends ImageDataset> trainingImages) {
        this.metadata = Map.copyOf(metadata);
        this.parityBatch = parityBatch;
        this.random = new Random(paritySeed);
        this.trainingImages = trainingImages;
    }

    /** A graph's metadata_props: the bundle's (family, bundle id, provenance) plus the graph's role. */
    public Map<String, String> metadata(GraphRole role) {
        Map<String, String> m = new HashMap<>(metadata);
        m.put(BundleFormat.METADATA_ROLE, role.key());
        return m;
    }

    /** How many random inputs each graph's parity is measured on. */
    public int parityBatch() {
        return parityBatch;
    }

    /** The one random source of all parity inputs, seeded with the manifest's parity seed. */
    public Random random() {
        return random;
    }

    /** Whether {@link #trainingImages()} can give images. */
    public boolean hasTrainingImages() {
        return trainingImages != null;
    }

    /** The training images, opened now. */
    public ImageDataset trainingImages() {
        if (trainingImages == null) {
            throw new IllegalStateException("no training images were given to this export");
        }
        return trainingImages.get();
    }
}
