package dev.vaeforge.runtime.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * BufferedImage to CHW floats, reading stored samples directly wherever the colour model allows.
 * {@code BufferedImage.getRGB} on a gray image converts from the JDK's linear gray space to sRGB
 * (stored 80 reads back as 79..something else entirely), so gray and 16-bit images are read from the
 * raster; only direct and exotic colour models go through {@code getRGB}.
 *
 * <p>Alpha is composited over black: {@code value * alpha}. Samples of {@code b} bits are divided by
 * {@code 2^b - 1}.
 */
final class RasterConversion {

    private RasterConversion() {
    }

    /** Converts to {@code channels} (1 or 3) with the rules of {@link ImageConversion}. */
    static FloatImage toFloat(BufferedImage img, int channels) {
        int w = img.getWidth();
        int h = img.getHeight();
        ColorModel cm = img.getColorModel();
        ColorSpace cs = cm.getColorSpace();
        FloatImage native_;
        if (cm instanceof ComponentColorModel && cs.getType() == ColorSpace.TYPE_GRAY) {
            native_ = components(img, 1);
        } else if (cm instanceof ComponentColorModel && cs.isCS_sRGB() && cm.getNumColorComponents() == 3) {
            native_ = components(img, 3);
        } else if (cm instanceof IndexColorModel icm) {
            native_ = indexed(img, icm);
        } else {
            native_ = packed(img, w, h);
        }
        return ImageConversion.toChannels(native_, channels);
    }

    /** Component colour models: one sample per band, alpha (if any) as the last band. */
    private static FloatImage components(BufferedImage img, int colours) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        boolean alpha = cm.hasAlpha();
        boolean premultiplied = cm.isAlphaPremultiplied();
        float[] out = new float[colours * plane];
        float[] alphaRow = alpha ? new float[w] : null;
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            if (alpha) {
                float max = (float) ((1L << cm.getComponentSize(colours)) - 1);
                r.getSamples(0, y, w, 1, colours, row);
                for (int x = 0; x < w; x++) {
                    alphaRow[x] = row[x] / max;
                }
            }
            for (int c = 0; c < colours; c++) {
                float max = (float) ((1L << cm.getComponentSize(c)) - 1);
                r.getSamples(0, y, w, 1, c, row);
                int base = c * plane + y * w;
                for (int x = 0; x < w; x++) {
                    float v = row[x] / max;
                    out[base + x] = alpha && !premultiplied ? v * alphaRow[x] : v;
                }
            }
        }
        return new FloatImage(colours, h, w, out);
    }

    /** Palette images: the palette's stored values, with its alpha (GIF/PNG transparency). */
    private static FloatImage indexed(BufferedImage img, IndexColorModel icm) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        int size = icm.getMapSize();
        float[][] lut = new float[3][size];
        for (int i = 0; i < size; i++) {
            float a = icm.getAlpha(i) / 255f;
            lut[0][i] = icm.getRed(i) / 255f * a;
            lut[1][i] = icm.getGreen(i) / 255f * a;
            lut[2][i] = icm.getBlue(i) / 255f * a;
        }
        Raster r = img.getRaster();
        float[] out = new float[3 * plane];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            r.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int i = Math.min(row[x], size - 1);
                int p = y * w + x;
                out[p] = lut[0][i];
                out[plane + p] = lut[1][i];
                out[2 * plane + p] = lut[2][i];
            }
        }
        return new FloatImage(3, h, w, out);
    }

    /** Packed ints (what Commons Imaging returns for most files) and anything else, via sRGB ARGB. */
    private static FloatImage packed(BufferedImage img, int w, int h) {
        int plane = w * h;
        int[] argb;
        boolean opaque = img.getType() == BufferedImage.TYPE_INT_RGB;
        if ((opaque || img.getType() == BufferedImage.TYPE_INT_ARGB)
                && img.getRaster().getDataBuffer() instanceof DataBufferInt db
                && db.getNumBanks() == 1 && db.getOffset() == 0 && db.getData().length == plane
                && img.getRaster().getSampleModelTranslateX() == 0 && img.getRaster().getSampleModelTranslateY() == 0) {
            argb = db.getData();
        } else {
            argb = img.getRGB(0, 0, w, h, null, 0, w);
            opaque = !img.getColorModel().hasAlpha();
        }
        float[] out = new float[3 * plane];
        for (int p = 0; p < plane; p++) {
            int v = argb[p];
            float a = opaque ? 1f : (v >>> 24) / 255f;
            out[p] = ((v >> 16) & 0xff) / 255f * a;
            out[plane + p] = ((v >> 8) & 0xff) / 255f * a;
            out[2 * plane + p] = (v & 0xff) / 255f * a;
        }
        return new FloatImage(3, h, w, out);
    }
}
