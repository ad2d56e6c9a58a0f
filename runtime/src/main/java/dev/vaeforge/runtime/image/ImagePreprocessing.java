package dev.vaeforge.runtime.image;

import dev.vaeforge.runtime.data.ImageShape;
import java.util.Objects;

/**
 * How decoded files become model input: the target shape and whether resizing is allowed (see
 * {@link ImageConversion} for the rules). Without resizing, a file of another size is an error, because
 * silently resampling a dataset changes what the model learns.
 */
public record ImagePreprocessing(ImageShape target, boolean resize) {
    /** Bump when a conversion rule changes, so that fingerprints of converted datasets change too. */
    public static final int RULES_VERSION = 1;

    public ImagePreprocessing {
        Objects.requireNonNull(target, "target");
    }

    /** The image as CHW floats of {@link #target()}; {@code name} is used in the error message. */
    public float[] apply(FloatImage img, String name) throws ImageReadException {
        checkSize(img.height(), img.width(), name);
        return ImageConversion.fit(img, target).data();
    }

    /** Throws unless resizing is on or the size already matches. */
    public void checkSize(int height, int width, String name) throws ImageReadException {
        if (!resize && (height != target.height() || width != target.width())) {
            throw new ImageReadException(name, "image is " + height + "x" + width + " (height x width) but the"
                    + " dataset expects " + target.height() + "x" + target.width()
                    + "; resize the files or set the resize option (centre crop, then area/bilinear resize)");
        }
    }

    /** A stable text for fingerprints and provenance. */
    public String describe() {
        return "shape=" + target + ";resize=" + (resize ? "centre-crop+area-down+bilinear-up" : "off")
                + ";alpha=over-black;gray=bt601-luma;rules=v" + RULES_VERSION;
    }
}
