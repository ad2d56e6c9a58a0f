package dev.vaeforge.runtime.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vaeforge.fixtures.FloatArrays;
import dev.vaeforge.runtime.data.ImageShape;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageConversionTest {

    @Test
    void grayToRgbReplicates() {
        FloatImage gray = new FloatImage(1, 1, 2, new float[] {0.25f, 0.75f});
        FloatImage rgb = ImageConversion.toChannels(gray, 3);
        assertArrayEquals(new float[] {0.25f, 0.75f, 0.25f, 0.75f, 0.25f, 0.75f}, rgb.data());
    }

    @Test
    void rgbToGrayIsBt601Luma() {
        // pixels: pure red, pure green, pure blue, (0.2, 0.4, 0.6)
        float[] chw = {1, 0, 0, 0.2f, 0, 1, 0, 0.4f, 0, 0, 1, 0.6f};
        FloatImage gray = ImageConversion.toChannels(new FloatImage(3, 2, 2, chw), 1);
        float[] expected = {0.299f, 0.587f, 0.114f, (float) (0.299 * 0.2 + 0.587 * 0.4 + 0.114 * 0.6)};
        FloatArrays.assertClose(expected, gray.data(), 1e-6, "luma");
        assertEquals(0.363, gray.data()[3], 1e-6); // by hand: 0.0598 + 0.2348 + 0.0684
    }

    @Test
    void alphaIsCompositedOverBlack() throws IOException {
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x80ff8000); // alpha 128: orange at half strength
        img.setRGB(1, 0, 0x00ffffff); // fully transparent white
        img.setRGB(2, 0, 0xff336699); // opaque
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        FloatImage d = ImageDecoder.decode(out.toByteArray(), "alpha.png").image();
        float a = 128 / 255f;
        float[] expected = {
            a, 0, 0x33 / 255f,
            (0x80 / 255f) * a, 0, 0x66 / 255f,
            0, 0, 0x99 / 255f};
        FloatArrays.assertClose(expected, d.data(), 1e-6, "alpha over black");
    }

    @Test
    void centreCropKeepsTheMiddleAtTheTargetAspect() {
        // 1x2x4, values = x + 10 y; target square: crop columns 1..2
        float[] chw = {0, 1, 2, 3, 10, 11, 12, 13};
        FloatImage crop = ImageConversion.centreCrop(new FloatImage(1, 2, 4, chw), 5, 5);
        assertEquals(2, crop.width());
        assertArrayEquals(new float[] {1, 2, 11, 12}, crop.data());
        // odd difference: 5 wide to 2 wide cuts floor(3/2) = 1 on the left
        FloatImage odd = ImageConversion.centreCrop(new FloatImage(1, 1, 5, new float[] {0, 1, 2, 3, 4}), 1, 2);
        assertArrayEquals(new float[] {1, 2}, odd.data());
        FloatImage same = new FloatImage(1, 2, 2, new float[4]);
        assertSame(same, ImageConversion.centreCrop(same, 8, 8));
    }

    @Test
    void shrinkingAveragesAreas() {
        // 4x4 -> 2x2: each output is the mean of a 2x2 block
        float[] chw = new float[16];
        for (int i = 0; i < 16; i++) {
            chw[i] = i;
        }
        FloatImage small = ImageConversion.resize(new FloatImage(1, 4, 4, chw), 2, 2);
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, small.data(), 1e-6f);
        // 3 -> 2: output 0 covers pixel 0 and half of pixel 1: (a + b/2) / 1.5
        FloatImage row = ImageConversion.resize(new FloatImage(1, 1, 3, new float[] {0.3f, 0.6f, 0.9f}), 1, 2);
        assertArrayEquals(new float[] {(0.3f + 0.3f) / 1.5f, (0.3f + 0.9f) / 1.5f}, row.data(), 1e-6f);
    }

    @Test
    void enlargingIsBilinearWithAlignedCentres() {
        FloatImage up = ImageConversion.resize(new FloatImage(1, 1, 2, new float[] {0, 1}), 1, 4);
        // source positions -0.25, 0.25, 0.75, 1.25 (clamped at the edges)
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, up.data(), 1e-6f);
    }

    @Test
    void fitCropsThenResizesACelebaSizedImage() {
        // 218x178 (h x w) with value = row index / 1000: crop to 178x178 starts at row 20, then 178 -> 64
        int h = 218;
        int w = 178;
        float[] chw = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                chw[y * w + x] = y / 1000f;
            }
        }
        FloatImage out = ImageConversion.fit(new FloatImage(1, h, w, chw), new ImageShape(3, 64, 64));
        assertEquals(3, out.channels());
        // output row 0 covers crop rows [0, 2.78125): rows 20 and 21 fully, row 22 by 0.78125
        assertEquals((20 + 21 + 22 * 0.78125) / 2.78125 / 1000, out.get(1, 0, 10), 1e-6);
        // output row 63 covers [175.21875, 178): row 195 by 0.78125, rows 196 and 197 fully
        assertEquals((195 * 0.78125 + 196 + 197) / 2.78125 / 1000, out.get(1, 63, 10), 1e-6);
        // every column of a row is the same, in every channel
        for (int c = 0; c < 3; c++) {
            assertEquals(out.get(0, 31, 0), out.get(c, 31, 63), 1e-6);
        }
    }

    @Test
    void preprocessingRejectsOtherSizesUnlessResizing() throws ImageReadException {
        FloatImage img = new FloatImage(3, 218, 178, new float[3 * 218 * 178]);
        ImagePreprocessing strict = new ImagePreprocessing(new ImageShape(3, 64, 64), false);
        ImageReadException e = assertThrows(ImageReadException.class, () -> strict.apply(img, "000001.jpg"));
        assertEquals("000001.jpg: image is 218x178 (height x width) but the dataset expects 64x64; resize the"
                + " files or set the resize option (centre crop, then area/bilinear resize)", e.getMessage());
        float[] out = new ImagePreprocessing(new ImageShape(1, 64, 64), true).apply(img, "000001.jpg");
        assertEquals(64 * 64, out.length);
    }

    @Test
    void describeChangesWithEverySetting() {
        ImageShape s = new ImageShape(3, 64, 64);
        assertEquals(new ImagePreprocessing(s, true).describe(), new ImagePreprocessing(s, true).describe());
        assertNotEqual(new ImagePreprocessing(s, true).describe(), new ImagePreprocessing(s, false).describe());
        assertNotEqual(new ImagePreprocessing(s, true).describe(),
                new ImagePreprocessing(new ImageShape(1, 64, 64), true).describe());
    }

    private static void assertNotEqual(String a, String b) {
        assertEquals(false, a.equals(b), a);
    }
}
