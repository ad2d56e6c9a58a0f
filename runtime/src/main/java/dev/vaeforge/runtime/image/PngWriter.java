package dev.vaeforge.runtime.image;

import dev.vaeforge.runtime.data.ImageShape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.imaging.ImageFormats;
import org.apache.commons.imaging.Imaging;

/**
 * Writes float CHW images as 8-bit PNG via Commons Imaging. Values are clamped to [0, 1] and rounded
 * to the nearest of 256 levels ({@code floor(v * 255 + 0.5)}); NaN is written as 0. Commons Imaging
 * picks the smallest exact PNG colour type, so gray images (and RGB images whose channels are all equal)
 * are stored as 8-bit gray, others as 8-bit RGB.
 */
public final class PngWriter {
    private PngWriter() {
    }

    public static void write(FloatImage img, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, encode(img));
    }

    public static void write(float[] chw, ImageShape shape, Path file) throws IOException {
        write(FloatImage.of(shape, chw), file);
    }

    public static byte[] encode(FloatImage img) throws IOException {
        return Imaging.writeImageToBytes(toBufferedImage(img), ImageFormats.PNG);
    }

    /**
     * An opaque RGB BufferedImage (gray replicated), quantised as described above. Filled row by row,
     * so a large grid needs the image itself and one row besides the floats, not a second full copy.
     */
    public static BufferedImage toBufferedImage(FloatImage img) {
        int w = img.width();
        int h = img.height();
        int plane = w * h;
        float[] d = img.data();
        int[] row = new int[w];
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0, p = y * w; x < w; x++, p++) {
                int r = quantise(d[p]);
                int g = img.channels() == 3 ? quantise(d[plane + p]) : r;
                int b = img.channels() == 3 ? quantise(d[2 * plane + p]) : r;
                row[x] = 0xff000000 | (r << 16) | (g << 8) | b;
            }
            out.setRGB(0, y, w, 1, row, 0, w);
        }
        return out;
    }

    /** Clamp to [0, 1], round half up to 0..255; NaN is 0. */
    static int quantise(float v) {
        if (!(v > 0f)) {
            return 0;
        }
        if (v >= 1f) {
            return 255;
        }
        return (int) Math.floor(v * 255f + 0.5f);
    }
}
