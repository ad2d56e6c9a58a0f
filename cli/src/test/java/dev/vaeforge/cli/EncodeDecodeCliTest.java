package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.data.NpyArray;
import dev.vaeforge.runtime.data.NpyWriter;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncodeDecodeCliTest {
    @TempDir
    static Path dir;
    static Path bundle;

    @BeforeAll
    static void bundle() {
        bundle = TestBundles.vae(dir.resolve("vae"), 1, 16);
    }

    @Test
    void encodeWritesMeansLogvarLabelsAndFactorsThenDecodeReadsThem() throws Exception {
        Path z = dir.resolve("enc/z.npy");
        CliRun r = CliRun.of("encode", bundle.toString(), "--input", "shapes:n=21,size=16", "--out", z.toString(),
                "--with", "logvar", "--batch-size", "8");
        assertEquals(0, r.exitCode(), r.toString());
        try (NpyArray a = NpyArray.open(z); NpyArray lv = NpyArray.open(dir.resolve("enc/z.logvar.npy"));
                NpyArray f = NpyArray.open(dir.resolve("enc/z.factors.npy"));
                NpyArray l = NpyArray.open(dir.resolve("enc/z.labels.npy"));
                VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU)) {
            assertArrayEquals(new long[] {21, 4}, a.shape());
            assertArrayEquals(new long[] {21, 4}, lv.shape());
            assertArrayEquals(new long[] {21, 5}, f.shape());
            assertArrayEquals(new long[] {21}, l.shape());
            // the means are the runtime's posterior means of the same images
            float[] x = dev.vaeforge.cli.data.DatasetResolver.open("shapes:n=21,size=16",
                    dev.vaeforge.runtime.data.DatasetOptions.defaults()).batch(new int[] {20}, 0, 1);
            assertArrayEquals(rt.encode(x, 1).mu(), a.readFloats(20, 1), 1e-6f);
            long[] labels = l.readLongs(0, 21);
            long[] classes = f.readLongs(0, 21);
            for (int i = 0; i < 21; i++) {
                assertEquals(labels[i], classes[i * 5], "the shape factor is the label");
            }
        }
        assertTrue(Files.readString(dir.resolve("enc/z.factors.json")).contains("\"rotation\""));

        Path images = dir.resolve("dec/images.npy");
        CliRun d = CliRun.of("decode", bundle.toString(), "--latents", z.toString(), "--out", images.toString());
        assertEquals(0, d.exitCode(), d.toString());
        try (NpyArray a = NpyArray.open(images)) {
            assertArrayEquals(new long[] {21, 1, 16, 16}, a.shape());
        }
        CliRun p = CliRun.of("decode", bundle.toString(), "--latents", z.toString(), "--out", dir.resolve("png").toString());
        assertEquals(0, p.exitCode(), p.toString());
        assertTrue(Files.exists(dir.resolve("png/decoded-00020.png")));
    }

    @Test
    void decodeNamesBothShapesOnAMismatch() throws Exception {
        Path z = dir.resolve("wrong.npy");
        NpyWriter.write(z, new float[15], 3, 5);
        CliRun r = CliRun.of("decode", bundle.toString(), "--latents", z.toString(), "--out", dir.resolve("x").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("(3, 5)") && r.err().contains("(3, 4)"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void logvarNeedsItsName() {
        CliRun r = CliRun.of("encode", bundle.toString(), "--input", "shapes:n=2,size=16", "--out",
                dir.resolve("q.npy").toString(), "--with", "variance");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("expected logvar"), r.err());
    }
}
