package dev.vaeforge.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyDatasetTest {
    @TempDir
    Path dir;

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(NpyDatasetTest.class.getResource("/npy/" + name).toURI());
    }

    private static ImageDataset open(String spec) throws IOException {
        return Datasets.open(spec, DatasetOptions.defaults());
    }

    private static float[] read(ImageDataset d, int i) {
        float[] out = new float[d.shape().size()];
        d.read(i, out, 0);
        return out;
    }

    @Test
    void readsNhwcUint8WrittenByNumpyAsChw() throws Exception {
        ImageDataset d = open("npy:" + resource("u8_nhwc.npy"));
        assertEquals(2, d.size());
        assertEquals(new ImageShape(3, 4, 5), d.shape());
        float[] img = read(d, 1);
        // numpy value at [n, y, x, c] is n*60 + y*15 + x*3 + c; CHW index c*20 + y*5 + x
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 5; x++) {
                    assertEquals((60 + y * 15 + x * 3 + c) / 255f, img[c * 20 + y * 5 + x], 1e-7f);
                }
            }
        }
        assertTrue(d.description().startsWith("npy:"), d.description());
        assertTrue(d.ownSplit(Split.TRAIN).isEmpty(), "an array has no split of its own");
    }

    @Test
    void readsGrayBigEndianFloatFortranlessAndVersion2Files() throws Exception {
        ImageDataset gray = open("npy:" + resource("u8_gray.npy"));
        assertEquals(new ImageShape(1, 4, 5), gray.shape());
        assertEquals(3, gray.size());
        assertEquals((20 + 7) * 4 / 255f, read(gray, 1)[7], 1e-7f);

        ImageDataset be = open("npy:" + resource("f4_nchw_be.npy"));
        assertEquals(new ImageShape(1, 4, 5), be.shape());
        assertEquals(0.27f, read(be, 1)[7], 1e-7f);

        ImageDataset nhwc = open("npy:" + resource("f4_nhwc.npy") + ",layout=nhwc"); // (3, 2, 3) is ambiguous
        assertEquals(new ImageShape(3, 3, 2), nhwc.shape());
        float[] img = read(nhwc, 1); // value at [1, y, x, c] = (18 + y*6 + x*3 + c) / 36
        assertEquals((18 + 2 * 6 + 1 * 3 + 2) / 36f, img[2 * 6 + 2 * 2 + 1], 1e-7f);

        ImageDataset v2 = open("npy:" + resource("v2_u8.npy"));
        assertEquals(new ImageShape(1, 3, 3), v2.shape());
        assertEquals(17 / 255f, read(v2, 1)[8], 1e-7f);
    }

    @Test
    void labelsFromASecondArray() throws Exception {
        ImageDataset d = open("npy:" + resource("u8_nhwc.npy") + ",labels=" + resource("labels_i8.npy"));
        assertEquals(3, d.label(0));
        assertEquals(1, d.label(1));
        assertEquals(List.of("0", "1", "2", "3"), d.labelNames());
        IOException wrongCount = assertThrows(IOException.class,
                () -> open("npy:" + resource("u8_nhwc.npy") + ",labels=" + resource("labels_u1_3.npy")));
        assertTrue(wrongCount.getMessage().contains("labels_u1_3.npy: (3,) labels for the 2 images of"),
                wrongCount.getMessage());
        IOException notInts = assertThrows(IOException.class,
                () -> open("npy:" + resource("u8_gray.npy") + ",labels=" + resource("f8.npy")));
        assertTrue(notInts.getMessage().contains("labels must be an integer array"), notInts.getMessage());
    }

    @Test
    void roundTripsArraysTheTestWrites() throws IOException {
        byte[] px = ArrayFiles.pattern(4, 2 * 3 * 3);
        Path nchw = ArrayFiles.writeNpy(dir.resolve("a.npy"), "|u1", "(4, 3, 3, 2)", px);
        ImageDataset d = Datasets.open("npy:" + nchw + ",layout=nchw", DatasetOptions.defaults());
        assertEquals(new ImageShape(3, 3, 2), d.shape());
        float[] got = d.batch(new int[] {0, 1, 2, 3}, 0, 4);
        for (int i = 0; i < px.length; i++) {
            assertEquals((px[i] & 0xff) / 255f, got[i], 1e-7f, "value " + i);
        }
        float[] f = {0f, 0.25f, 0.5f, 1f, 0.125f, 0.75f};
        Path le = ArrayFiles.writeNpy(dir.resolve("f.npy"), "<f4", "(1, 2, 3)", ArrayFiles.floats(f, ByteOrder.LITTLE_ENDIAN));
        assertArrayEquals(f, read(open("npy:" + le), 0));
    }

    @Test
    void ambiguousLayoutMustBeStated() throws IOException {
        Path p = ArrayFiles.writeNpy(dir.resolve("sq.npy"), "|u1", "(2, 3, 3, 3)", new byte[54]);
        IOException e = assertThrows(IOException.class, () -> open("npy:" + p));
        assertTrue(e.getMessage().endsWith("could be NHWC or NCHW; add layout=nhwc or layout=nchw to the spec"),
                e.getMessage());
        assertEquals(new ImageShape(3, 3, 3), open("npy:" + p + ",layout=nhwc").shape());
    }

    @Test
    void unsupportedDtypeIsNamed() throws Exception {
        Path f8 = resource("f8.npy");
        IOException e = assertThrows(IOException.class, () -> open("npy:" + f8));
        assertEquals(f8 + ": unsupported dtype float64 ('<f8'); images must be uint8 (0..255) or float32 (0..1):"
                + " convert with a.astype(np.uint8) or a.astype(np.float32)", e.getMessage());
        Path i2 = ArrayFiles.writeNpy(dir.resolve("i2.npy"), "<i2", "(1, 2, 2)", new byte[8]);
        assertTrue(assertThrows(IOException.class, () -> open("npy:" + i2)).getMessage()
                .contains("unsupported dtype int16 ('<i2')"));
        Path obj = ArrayFiles.writeNpy(dir.resolve("o.npy"), "|O", "(1, 2, 2)", new byte[32]);
        assertTrue(assertThrows(IOException.class, () -> open("npy:" + obj)).getMessage().contains("unsupported dtype"));
        Path fortran = resource("fortran.npy");
        assertTrue(assertThrows(IOException.class, () -> open("npy:" + fortran)).getMessage()
                .contains("Fortran-ordered arrays are not supported"));
    }

    @Test
    void aHeaderThatLiesAboutItsShapeIsAnError() throws IOException {
        Path more = ArrayFiles.writeNpy(dir.resolve("more.npy"), "|u1", "(3, 4, 4)", new byte[32]);
        DataFileException e = assertThrows(DataFileException.class, () -> open("npy:" + more));
        assertEquals(more.toString(), e.file());
        assertEquals("the .npy header says shape (3, 4, 4) of |u1 = 48 data bytes, but the file holds 32 (truncated,"
                + " or the header lies about the shape)", e.reason());
        Path fewer = ArrayFiles.writeNpy(dir.resolve("fewer.npy"), "|u1", "(1, 4, 4)", new byte[32]);
        assertTrue(assertThrows(DataFileException.class, () -> open("npy:" + fewer)).reason()
                .endsWith("holds 32 (extra bytes: the header lies about the shape)"));
        Path flat = ArrayFiles.writeNpy(dir.resolve("flat.npy"), "|u1", "(2, 16)", new byte[32]);
        assertTrue(assertThrows(DataFileException.class, () -> open("npy:" + flat)).reason()
                .contains("is not a stack of images"));
        Path rgba = ArrayFiles.writeNpy(dir.resolve("rgba.npy"), "|u1", "(2, 2, 2, 4)", new byte[32]);
        assertTrue(assertThrows(DataFileException.class, () -> open("npy:" + rgba)).reason()
                .contains("has no channel dimension of 1 or 3"));
        Path huge = ArrayFiles.writeNpy(dir.resolve("huge.npy"), "|u1", "(9223372036854775807, 4, 4)", new byte[32]);
        assertTrue(assertThrows(DataFileException.class, () -> open("npy:" + huge)).reason()
                .contains("impossibly large"));
        Path text = Files.writeString(dir.resolve("t.npy"), "not numpy at all");
        assertEquals("not a NumPy .npy file (it does not start with \\x93NUMPY)",
                assertThrows(DataFileException.class, () -> open("npy:" + text)).reason());
    }

    @Test
    void floatImagesOutsideTheUnitRangeAreBadItems() throws IOException {
        float[] v = new float[3 * 4];
        v[4 + 1] = 1.5f; // image 1
        v[8 + 2] = Float.NaN; // image 2
        Path p = ArrayFiles.writeNpy(dir.resolve("r.npy"), "<f4", "(3, 2, 2)", ArrayFiles.floats(v, ByteOrder.LITTLE_ENDIAN));
        BadFilesException e = assertThrows(BadFilesException.class, () -> open("npy:" + p));
        assertEquals(2, e.badFiles().size());
        assertEquals("r.npy[1]", e.badFiles().get(0).path());
        assertTrue(e.badFiles().get(0).reason().contains("values outside [0, 1] (min 0.0, max 1.5)"));
        assertEquals("image 2 holds NaN values", e.badFiles().get(1).reason());
        ImageDataset kept = Datasets.open("npy:" + p, DatasetOptions.defaults().withSkipBad(true));
        assertEquals(1, kept.size());
        assertEquals(2, kept.skipped().size());

        float[] bytesLike = {0, 255, 128, 3};
        Path b = ArrayFiles.writeNpy(dir.resolve("b.npy"), "<f4", "(1, 2, 2)",
                ArrayFiles.floats(bytesLike, ByteOrder.LITTLE_ENDIAN));
        assertTrue(assertThrows(BadFilesException.class, () -> open("npy:" + b)).getMessage()
                .contains("if the values are 0..255, divide by 255 or save as uint8"));
    }

    @Test
    void requestedShapesConvertChannelsAndResizeOnlyWhenAllowed() throws Exception {
        String spec = "npy:" + resource("u8_gray.npy");
        ImageDataset rgb = Datasets.open(spec, DatasetOptions.defaults().withShape(new ImageShape(3, 4, 5)));
        float[] img = read(rgb, 0);
        assertEquals(img[3], img[20 + 3]);
        assertEquals(img[3], img[40 + 3]);
        IOException e = assertThrows(IOException.class,
                () -> Datasets.open(spec, DatasetOptions.defaults().withShape(new ImageShape(1, 8, 8))));
        assertTrue(e.getMessage().contains("images are 4x5 (height x width) but 8x8 were asked for"), e.getMessage());
        ImageDataset big = Datasets.open(spec, DatasetOptions.defaults().withShape(new ImageShape(1, 8, 8)).withResize(true));
        assertEquals(64, read(big, 2).length);
        assertFalse(big.fingerprint().equals(open(spec).fingerprint()), "preprocessing is part of the fingerprint");
    }

    @Test
    void missingFilesAndBadOptionsAreExplained() {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> open("npy:" + dir.resolve("nope.npy")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> open("npy:" + dir.resolve("x.npy") + ",colour=red"));
        assertTrue(e.getMessage().startsWith("unknown option 'colour=red'"), e.getMessage());
    }

    @Test
    void mappedChunksJoinReadsThatCrossABoundary() throws IOException {
        byte[] data = new byte[1000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        Path f = Files.write(dir.resolve("raw.bin"), data);
        MappedBytes m = MappedBytes.map(f, 10, 990, 64);
        byte[] got = new byte[300];
        m.get(50, got, 0, 300);
        for (int i = 0; i < got.length; i++) {
            assertEquals((byte) (60 + i), got[i]);
        }
        float[] fl = new float[20];
        Path ff = Files.write(dir.resolve("f.bin"), ArrayFiles.floats(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                13, 14, 15, 16, 17, 18, 19, 20}, ByteOrder.BIG_ENDIAN));
        MappedBytes.map(ff, 0, 80, 6).getFloats(0, ByteOrder.BIG_ENDIAN, fl, 0, 20);
        assertEquals(20f, fl[19]);
        MappedImages imgs = new MappedImages(MappedBytes.map(f, 0, 990, 7), 10, new ImageShape(1, 9, 11),
                MappedImages.Layout.NCHW, MappedImages.DType.U8);
        float[] img = new float[99];
        imgs.read(9, img, 0);
        assertEquals((891 + 98) % 256 / 255f, img[98], 1e-7f);
    }
}
