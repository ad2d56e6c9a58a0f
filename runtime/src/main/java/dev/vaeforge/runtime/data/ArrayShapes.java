package dev.vaeforge.runtime.data;

import dev.vaeforge.runtime.image.ImagePreprocessing;

/** Rules shared by the array readers ({@code idx:}, {@code npy:}) for fitting stored images to a requested shape. */
final class ArrayShapes {
    private ArrayShapes() {
    }

    /**
     * The shape reads are converted to: the stored one unless {@code options.shape()} asks for another.
     * Channels always convert (gray/RGB rules); another height or width needs the resize option.
     */
    static ImageShape target(ImageShape stored, DatasetOptions options, String name) throws DataFileException {
        ImageShape want = options.shape();
        if (want == null) {
            return stored;
        }
        if (!options.resize() && (want.height() != stored.height() || want.width() != stored.width())) {
            throw new DataFileException(name, "images are " + stored.height() + "x" + stored.width()
                    + " (height x width) but " + want.height() + "x" + want.width() + " were asked for; set the resize"
                    + " option (centre crop, then area/bilinear resize) or use the images' own size");
        }
        return want;
    }

    /** For fingerprints: how stored images become the target. */
    static String describe(ImageShape stored, ImageShape target, boolean resize) {
        return "stored=" + stored + ";" + new ImagePreprocessing(target, resize).describe();
    }
}
