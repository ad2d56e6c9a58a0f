package dev.vaeforge.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.fixtures.CorruptFiles;
import dev.vaeforge.fixtures.FloatArrays;
import dev.vaeforge.fixtures.SampleFormat;
import dev.vaeforge.fixtures.SampleImage;
import dev.vaeforge.fixtures.SampleImages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
    @TempDir
    Path dir;

    @Test
    void everySampleFormatDecodesToItsKnownContent() throws IOException {
        for (SampleImage s : SampleImages.writeAll(dir, 45, 37, 3)) {
            DecodedImage d = ImageDecoder.read(s.file());
            String what = s.format().toString();
            assertEquals(37, d.image().height(), what);
            assertEquals(45, d.image().width(), what);
            assertEquals(s.colourChannels(), d.image().channels(), what + " channels");
            assertEquals(s.colourChannels(), d.header().channels(), what + " header channels");
            if (s.format().lossless()) {
                FloatArrays.assertClose(s.expectedOverBlack(), d.image().data(), 1e-6, what);
            } else {
                // Quality 0.95 at 45x37. Measured mean error: javax.imageio 2.0-2.7/255 per channel,
                // Commons Imaging 2.3-3.5/255 (it is also biased by about +0.5 R, -0.6 G, +0.9 B /255).
                double mean = FloatArrays.meanAbsDiff(s.expectedOverBlack(), d.image().data());
                assertTrue(mean < 4.0 / 255, what + ": mean error " + mean * 255 + "/255");
                // 4:2:0 chroma subsampling smears saturated colour edges: 2.4% of values are off by > 0.1
                // here (javax.imageio: 1.9%), so bound the share of large errors
                float[] want = s.expectedOverBlack();
                float[] got = d.image().data();
                int large = 0;
                for (int i = 0; i < want.length; i++) {
                    large += Math.abs(want[i] - got[i]) > 0.1 ? 1 : 0;
                }
                assertTrue(large < want.length / 20, what + ": " + large + " of " + want.length + " values off by > 0.1");
            }
        }
    }

    @Test
    void decoderChoiceIsCommonsImagingExceptWhereDocumented() throws IOException {
        Map<SampleFormat, String> expected = new EnumMap<>(SampleFormat.class);
        for (SampleFormat f : SampleFormat.values()) {
            expected.put(f, ImageDecoder.COMMONS_IMAGING);
        }
        expected.put(SampleFormat.JPEG_PROGRESSIVE, ImageDecoder.IMAGEIO);
        expected.put(SampleFormat.PNG_GRAY16, ImageDecoder.IMAGEIO);
        expected.put(SampleFormat.PNG_GRAY, ImageDecoder.IMAGEIO);
        for (SampleFormat f : SampleFormat.values()) {
            DecodedImage d = ImageDecoder.decode(SampleImages.encode(f, 20, 20, 0), f.toString());
            assertEquals(expected.get(f), d.decoder(), f.toString());
        }
    }

    @Test
    void sixteenBitPngKeepsAllSixteenBits() throws IOException {
        SampleImage s = SampleImages.write(dir, SampleFormat.PNG_GRAY16, 32, 32, 4);
        DecodedImage d = ImageDecoder.read(s.file());
        assertEquals(16, d.header().bitDepth());
        // an 8-bit decode would be off by up to 0.5/255 = 0.002
        FloatArrays.assertClose(s.expected(), d.image().data(), 1e-7, "16-bit gray");
    }

    @Test
    void baselineJpegMatchesTheJdkDecoder() throws IOException {
        byte[] jpeg = SampleImages.encode(SampleFormat.JPEG_RGB, 178, 218, 2);
        DecodedImage ours = ImageDecoder.decode(jpeg, "celeb.jpg");
        assertEquals(ImageDecoder.COMMONS_IMAGING, ours.decoder());
        BufferedImage jdk = ImageIO.read(new ByteArrayInputStream(jpeg));
        FloatImage reference = RasterConversion.toFloat(jdk, 3);
        // decoders may differ in IDCT rounding and chroma upsampling, not more
        double mean = FloatArrays.meanAbsDiff(reference.data(), ours.image().data());
        assertTrue(mean < 2.5 / 255, "mean difference to javax.imageio " + mean * 255 + "/255");
    }

    @Test
    void everyEightBitGrayLevelSurvives() throws IOException {
        BufferedImage ramp = new BufferedImage(256, 1, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < 256; x++) {
            ramp.getRaster().setSample(x, 0, 0, x);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ImageIO.write(ramp, "png", out);
        float[] got = ImageDecoder.decode(out.toByteArray(), "ramp.png").image().data();
        float[] want = new float[256];
        for (int x = 0; x < 256; x++) {
            want[x] = x / 255f;
        }
        FloatArrays.assertClose(want, got, 0, "gray ramp");
    }

    @Test
    void contentDecidesTheFormatNotTheName() throws IOException {
        Path misnamed = dir.resolve("really-a-png.jpg");
        Files.write(misnamed, SampleImages.encode(SampleFormat.PNG_RGB, 16, 16, 0));
        DecodedImage d = ImageDecoder.read(misnamed);
        assertEquals(ImageFileType.PNG, d.header().type());
    }

    @Test
    void everyCorruptFileHasItsOwnMessage() throws IOException {
        Map<CorruptFiles.Kind, String> expected = new EnumMap<>(CorruptFiles.Kind.class);
        expected.put(CorruptFiles.Kind.EMPTY_PNG, "empty file (0 bytes), not an image");
        expected.put(CorruptFiles.Kind.RANDOM_BYTES_PNG,
                "not a PNG, JPEG, BMP, GIF or TIFF image (unrecognised header)");
        expected.put(CorruptFiles.Kind.TEXT_AS_JPEG,
                "not a PNG, JPEG, BMP, GIF or TIFF image (unrecognised header; the file starts with text)");
        expected.put(CorruptFiles.Kind.TRUNCATED_PNG, "truncated PNG data (chunk IDAT at byte ");
        expected.put(CorruptFiles.Kind.TRUNCATED_JPEG, "truncated or corrupt JPEG data (file ends after ");
        expected.put(CorruptFiles.Kind.TRUNCATED_BMP, "truncated BMP data (pixel rows end at byte ");
        expected.put(CorruptFiles.Kind.TRUNCATED_GIF, "truncated or corrupt GIF data (");
        expected.put(CorruptFiles.Kind.TRUNCATED_TIFF, "truncated or corrupt TIFF data (");
        expected.put(CorruptFiles.Kind.PNG_BAD_CRC, "corrupt PNG data (CRC mismatch in chunk IDAT at byte ");
        expected.put(CorruptFiles.Kind.JPEG_NO_SCAN,
                "truncated or corrupt JPEG data (no image data: end-of-image marker before any scan)");
        expected.put(CorruptFiles.Kind.PNG_HUGE_DIMENSIONS, "image is 100000x100000 (height x width), 10000000000"
                + " pixels, more than the limit of 33554432 pixels");
        Map<CorruptFiles.Kind, Path> files = CorruptFiles.writeAll(dir);
        assertEquals(CorruptFiles.Kind.values().length, expected.size(), "a corrupt kind without an expectation");
        for (var e : files.entrySet()) {
            ImageReadException ex = assertThrows(ImageReadException.class, () -> ImageDecoder.read(e.getValue()),
                    e.getKey().toString());
            assertEquals(e.getValue().toString(), ex.file());
            assertTrue(ex.getMessage().startsWith(e.getValue() + ": "), ex.getMessage());
            assertTrue(ex.reason().startsWith(expected.get(e.getKey())),
                    e.getKey() + ": got '" + ex.reason() + "'");
        }
    }

    @Test
    void gammaChunkIsIgnoredLikePilDoes() throws IOException {
        byte[] plain = SampleImages.encode(SampleFormat.PNG_GRAY, 8, 8, 0);
        byte[] withGamma = insertAfterIhdr(plain, "gAMA", new byte[] {0, 0, (byte) 0xb1, (byte) 0x8f});
        FloatImage a = ImageDecoder.decode(plain, "plain.png").image();
        FloatImage b = ImageDecoder.decode(withGamma, "gamma.png").image();
        FloatArrays.assertClose(a.data(), b.data(), 0, "gAMA must not change pixel values");
    }

    @Test
    void pixelLimitIsCheckedBeforeDecoding() {
        byte[] png = SampleImages.encode(SampleFormat.PNG_RGB, 40, 30, 0);
        ImageReadException e = assertThrows(ImageReadException.class, () -> ImageDecoder.decode(png, "big.png", 1000));
        assertEquals("big.png: image is 30x40 (height x width), 1200 pixels, more than the limit of 1000 pixels",
                e.getMessage());
    }

    @Test
    void missingFileIsAnImageReadException() {
        Path missing = dir.resolve("nope.png");
        ImageReadException e = assertThrows(ImageReadException.class, () -> ImageDecoder.read(missing));
        assertTrue(e.reason().startsWith("cannot read the file"), e.getMessage());
    }

    @Test
    void progressiveJpegIsDecodedByTheFallback() throws IOException {
        SampleImage s = SampleImages.write(dir, SampleFormat.JPEG_PROGRESSIVE, 64, 48, 1);
        DecodedImage d = ImageDecoder.read(s.file());
        assertEquals(ImageDecoder.IMAGEIO, d.decoder());
        assertTrue(FloatArrays.meanAbsDiff(s.expected(), d.image().data()) < 0.01);
    }

    static byte[] insertAfterIhdr(byte[] png, String type, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, 33);
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(data.length);
        d.writeBytes(type);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        crc.update(data);
        d.writeInt((int) crc.getValue());
        out.write(png, 33, png.length - 33);
        return out.toByteArray();
    }
}
