package dev.vaeforge.runtime.image;

import dev.vaeforge.runtime.data.ImageShape;

/**
 * The conversion rules from a decoded file to a model's {@link ImageShape}. They are part of a
 * dataset's fingerprint ({@link ImagePreprocessing#describe()}); change them only with a new version
 * there. The same text is in {@code runtime/README.md}, section "Image conversion rules".
 *
 * <ol>
 *   <li><b>Samples</b>: an {@code b}-bit sample {@code v} becomes {@code v / (2^b - 1)}: 8-bit by 255,
 *       16-bit by 65535. Palette images use their palette's values.</li>
 *   <li><b>Alpha</b> is composited over black: {@code value * alpha} (straight alpha), so a fully
 *       transparent pixel is 0. Models see no alpha channel.</li>
 *   <li><b>Gray to RGB</b> replicates the gray channel into R, G and B.</li>
 *   <li><b>RGB to gray</b> is luma {@code Y = 0.299 R + 0.587 G + 0.114 B} (ITU-R BT.601, as PIL's
 *       {@code convert("L")}), on the stored values, no gamma handling.</li>
 *   <li><b>Size</b>: by default an image whose height or width differs from the target is an error
 *       naming the file, its size and the expected size. With the resize option it is first
 *       centre-cropped to the target's aspect ratio (crop size rounded to the nearest pixel, offset
 *       {@code floor((size - crop) / 2)}), then resized per axis: area averaging when shrinking (every
 *       source pixel contributes by its overlap; no aliasing), bilinear with aligned pixel centres and
 *       clamped edges when enlarging.</li>
 *   <li><b>Colour management</b> is not applied (gamma, ICC profiles, EXIF orientation are ignored), as
 *       in PIL and torchvision.</li>
 * </ol>
 */
public final class ImageConversion {
    public static final double LUMA_R = 0.299;
    public static final double LUMA_G = 0.587;
    public static final double LUMA_B = 0.114;

    private ImageConversion() {
    }

    /** Gray to RGB by replication, RGB to gray by luma; the same image when it already has {@code channels}. */
    public static FloatImage toChannels(FloatImage img, int channels) {
        if (img.channels() == channels) {
            return img;
        }
        int plane = img.height() * img.width();
        float[] src = img.data();
        if (channels == 3) {
            float[] out = new float[3 * plane];
            System.arraycopy(src, 0, out, 0, plane);
            System.arraycopy(src, 0, out, plane, plane);
            System.arraycopy(src, 0, out, 2 * plane, plane);
            return new FloatImage(3, img.height(), img.width(), out);
        }
        if (channels != 1) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        float[] out = new float[plane];
        for (int p = 0; p < plane; p++) {
            out[p] = (float) (LUMA_R * src[p] + LUMA_G * src[plane + p] + LUMA_B * src[2 * plane + p]);
        }
        return new FloatImage(1, img.height(), img.width(), out);
    }

    /** The largest centred region with the aspect ratio {@code width : height}. */
    public static FloatImage centreCrop(FloatImage img, int height, int width) {
        int h = img.height();
        int w = img.width();
        int cropH = h;
        int cropW = w;
        if ((long) w * height > (long) h * width) {
            cropW = (int) Math.max(1, Math.min(w, Math.round((double) h * width / height)));
        } else {
            cropH = (int) Math.max(1, Math.min(h, Math.round((double) w * height / width)));
        }
        if (cropH == h && cropW == w) {
            return img;
        }
        int y0 = (h - cropH) / 2;
        int x0 = (w - cropW) / 2;
        float[] out = new float[img.channels() * cropH * cropW];
        for (int c = 0; c < img.channels(); c++) {
            for (int y = 0; y < cropH; y++) {
                System.arraycopy(img.data(), (c * h + y0 + y) * w + x0, out, (c * cropH + y) * cropW, cropW);
            }
        }
        return new FloatImage(img.channels(), cropH, cropW, out);
    }

    /** Resizes each axis independently: area averaging to shrink, bilinear to enlarge. */
    public static FloatImage resize(FloatImage img, int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + height + "x" + width);
        }
        float[] data = img.data();
        int c = img.channels();
        if (width != img.width()) {
            data = Resampler.axis(img.width(), width).rows(data, c, img.height(), img.width(), width);
        }
        if (height != img.height()) {
            data = Resampler.axis(img.height(), height).columns(data, c, img.height(), width, height);
        }
        return data == img.data() ? img : new FloatImage(c, height, width, data);
    }

    /**
     * All rules at once: channels, centre crop, resize. Resampled values are clamped to [0, 1]: the
     * filters are convex combinations, but float rounding can land a hair outside (1.0000001).
     */
    public static FloatImage fit(FloatImage img, ImageShape target) {
        FloatImage out = img;
        if (target.channels() == 1) {
            out = toChannels(out, 1); // fewer pixels to resample
        }
        if (out.height() != target.height() || out.width() != target.width()) {
            out = resize(centreCrop(out, target.height(), target.width()), target.height(), target.width());
            float[] d = out.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = Math.min(1f, Math.max(0f, d[i]));
            }
        }
        return toChannels(out, target.channels());
    }
}
