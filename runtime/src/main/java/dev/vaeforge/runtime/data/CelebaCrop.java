package dev.vaeforge.runtime.data;

import dev.vaeforge.runtime.image.FloatImage;
import dev.vaeforge.runtime.image.ImageConversion;
import dev.vaeforge.runtime.image.ImagePreprocessing;
import dev.vaeforge.runtime.image.ImageReadException;
import java.util.Locale;

/**
 * CelebA's preprocessing protocols, {@code crop=} in a {@code celeba:} spec:
 * <ul>
 *   <li>{@code crop=148} (default; the common 64x64 protocol of DCGAN/VAE papers): the centred 148x148
 *       square, top-left at {@code (floor((W-148)/2), floor((H-148)/2))} = (15, 35) in a 178x218 image,
 *       then resized to the target;</li>
 *   <li>{@code crop=178}: the centred 178x178 square (rows 20..197), then resized;</li>
 *   <li>any other {@code crop=N}: the centred NxN square;</li>
 *   <li>{@code crop=none}: the full image resized to the target, aspect ratio not kept.</li>
 * </ul>
 * Resizing is the runtime's stated filter: area averaging (box filter; PIL {@code Image.BOX}) on a
 * shrinking axis, bilinear with aligned centres on a growing one. Channels follow the conversion rules
 * (a gray JPEG is replicated into RGB). Values are clamped to [0, 1]; the cache stores them rounded to
 * 8 bits ({@code floor(v * 255 + 0.5)}).
 *
 * @param crop   square crop size, or 0 for none
 * @param target the shape images end up as
 */
record CelebaCrop(int crop, ImageShape target) {
    static final int DEFAULT_CROP = 148;
    /** CelebA's usual model input: 3x64x64. */
    static final ImageShape DEFAULT_TARGET = new ImageShape(3, 64, 64);

    CelebaCrop {
        if (crop < 0) {
            throw new IllegalArgumentException("crop must be positive, got " + crop);
        }
    }

    static CelebaCrop parse(String text, ImageShape target) {
        if (text == null) {
            return new CelebaCrop(DEFAULT_CROP, target);
        }
        if (text.equalsIgnoreCase("none")) {
            return new CelebaCrop(0, target);
        }
        try {
            int c = Integer.parseInt(text.strip());
            if (c < 1 || c > 1 << 15) {
                throw new NumberFormatException();
            }
            return new CelebaCrop(c, target);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("crop=" + text + " in a celeba: spec; expected a crop size in pixels"
                    + " (148, the default, or 178) or none", e);
        }
    }

    /** The image as CHW floats of {@link #target()}; {@code name} is used in the error message. */
    float[] apply(FloatImage img, String name) throws ImageReadException {
        FloatImage out = img;
        if (target.channels() == 1) {
            out = ImageConversion.toChannels(out, 1);
        }
        if (crop > 0) {
            if (out.height() < crop || out.width() < crop) {
                throw new ImageReadException(name, "image is " + out.height() + "x" + out.width() + " (height x width),"
                        + " smaller than the " + crop + "x" + crop + " centre crop");
            }
            out = cropSquare(out, crop);
        }
        if (out.height() != target.height() || out.width() != target.width()) {
            out = ImageConversion.resize(out, target.height(), target.width());
            float[] d = out.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = Math.min(1f, Math.max(0f, d[i]));
            }
        }
        return ImageConversion.toChannels(out, target.channels()).data();
    }

    private static FloatImage cropSquare(FloatImage img, int size) {
        int h = img.height();
        int w = img.width();
        if (h == size && w == size) {
            return img;
        }
        int y0 = (h - size) / 2;
        int x0 = (w - size) / 2;
        float[] out = new float[img.channels() * size * size];
        for (int c = 0; c < img.channels(); c++) {
            for (int y = 0; y < size; y++) {
                System.arraycopy(img.data(), (c * h + y0 + y) * w + x0, out, (c * size + y) * size, size);
            }
        }
        return new FloatImage(img.channels(), size, size, out);
    }

    /** A stable text for cache keys and provenance. */
    String describe() {
        return String.format(Locale.ROOT, "celeba;crop=%s;shape=%s;resize=area-down+bilinear-up;gray=bt601-luma;"
                + "uint8=floor(v*255+0.5);rules=v%d", crop == 0 ? "none" : crop + "-centre", target,
                ImagePreprocessing.RULES_VERSION);
    }
}
