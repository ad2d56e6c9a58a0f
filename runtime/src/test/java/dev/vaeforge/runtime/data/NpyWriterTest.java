package dev.vaeforge.runtime.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NpyWriterTest {
    @TempDir
    Path dir;

    @Test
    void streamsBlocksIntoAnArrayTheReaderAccepts() throws IOException {
        Path out = dir.resolve("sub/z.npy");
        int rows = 70_000; // more than one 1 MiB buffer of float32 rows of 5
        try (NpyWriter w = NpyWriter.create(out, NpyWriter.Type.FLOAT32, rows, 5)) {
            float[] block = new float[5 * 1000];
            for (int start = 0; start < rows; start += 1000) {
                for (int i = 0; i < block.length; i++) {
                    block[i] = start * 5 + i;
                }
                w.write(block);
            }
            assertFalse(Files.exists(out), "nothing at the target before commit");
            w.commit();
        }
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ)) {
            NpyHeader h = NpyHeader.read(ch, out.toString());
            assertEquals("<f4", h.descr());
            assertArrayEquals(new long[] {rows, 5}, h.shape());
            assertEquals(0, h.dataOffset() % 64, "data aligned to 64 bytes");
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, h.dataOffset() + 4L * 349_999);
            b.flip();
            assertEquals(349_999f, b.getFloat());
        }
        try (var files = Files.list(out.getParent())) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void anArrayNotCompletedLeavesNothingBehind() throws IOException {
        Path out = dir.resolve("a.npy");
        try (NpyWriter w = NpyWriter.create(out, NpyWriter.Type.INT64, 4)) {
            w.write(new long[] {1, 2, 3}, 0, 3);
            IllegalStateException e = assertThrows(IllegalStateException.class, w::commit);
            assertTrue(e.getMessage().contains("3 of the 4 elements"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> w.write(new long[] {1, 2}, 0, 2));
            assertThrows(IllegalStateException.class, () -> w.write(new float[] {1}));
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void numpyReadsWhatWeWrite() throws Exception {
        Path py = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(py), "no /usr/bin/python3: the NumPy cross-check is skipped");
        Path f = dir.resolve("f.npy");
        Path u = dir.resolve("u.npy");
        Path l = dir.resolve("l.npy");
        NpyWriter.write(f, new float[] {0.5f, -1f, 3e-8f, 7f, 8f, 9f}, 2, 3);
        try (NpyWriter w = NpyWriter.create(u, NpyWriter.Type.UINT8, 2, 1, 2)) {
            w.write(new byte[] {0, (byte) 255, 7, (byte) 128}, 0, 4);
            w.commit();
        }
        NpyWriter.write(l, new long[] {-1, 1L << 40}, 2);
        String script = "import numpy as np,sys\n"
                + "f=np.load(sys.argv[1]);u=np.load(sys.argv[2]);l=np.load(sys.argv[3])\n"
                + "print(f.dtype,f.shape,float(f[1,2]),'%.6g'%f[0,2],u.dtype,u.shape,int(u.sum()),l.dtype,int(l[1]))\n";
        Process p = new ProcessBuilder(py.toString(), "-c", script, f.toString(), u.toString(), l.toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String text = new String(p.getInputStream().readAllBytes()).trim();
        assumeTrue(!text.contains("No module named 'numpy'"), "NumPy is not installed: the cross-check is skipped");
        assertEquals(0, p.exitValue(), text);
        assertEquals("float32 (2, 3) 9.0 3e-08 uint8 (2, 1, 2) 390 int64 1099511627776", text);
    }
}
