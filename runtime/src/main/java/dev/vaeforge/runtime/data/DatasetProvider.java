package dev.vaeforge.runtime.data;

import java.io.IOException;

/** Opens the datasets of one spec scheme, e.g. {@code folder:DIR}; see {@link Datasets}. */
@FunctionalInterface
public interface DatasetProvider {
    /**
     * @param argument the spec after {@code "scheme:"}, never empty
     */
    ImageDataset open(String argument, DatasetOptions options) throws IOException;
}
