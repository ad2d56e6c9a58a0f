package dev.vaeforge.runtime.data;

/**
 * Where a {@link StoredDataset} gets its pixels: a memory-mapped array ({@link MappedImages}), several
 * of them one after another, or files decoded on every read. Reads are safe from many threads.
 */
interface ImageStore {
    /** Number of slots, including any the dataset leaves out. */
    int count();

    /** The shape of the stored images. */
    ImageShape shape();

    /** Writes slot {@code slot} converted to {@code target} as CHW floats into {@code dst[off..]}. */
    void read(int slot, ImageShape target, float[] dst, int off);

    /** Stores one after another: slot {@code i} of the second follows the last of the first. */
    static ImageStore concat(MappedImages first, MappedImages second) {
        if (!first.shape().equals(second.shape())) {
            throw new IllegalArgumentException("cannot join images of " + first.shape() + " and " + second.shape());
        }
        return new ImageStore() {
            @Override
            public int count() {
                return first.count() + second.count();
            }

            @Override
            public ImageShape shape() {
                return first.shape();
            }

            @Override
            public void read(int slot, ImageShape target, float[] dst, int off) {
                if (slot < first.count()) {
                    first.read(slot, target, dst, off);
                } else {
                    second.read(slot - first.count(), target, dst, off);
                }
            }
        };
    }

    static ImageStore of(MappedImages images) {
        return new ImageStore() {
            @Override
            public int count() {
                return images.count();
            }

            @Override
            public ImageShape shape() {
                return images.shape();
            }

            @Override
            public void read(int slot, ImageShape target, float[] dst, int off) {
                images.read(slot, target, dst, off);
            }
        };
    }
}
