package dev.vaeforge.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's refusals, before any Spark session starts, and its defaults. */
class SparkMainTest {
    @TempDir
    Path tmp;

    private String[] run(int expected, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SparkMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(expected, code, err.toString());
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void refusesBadArgumentsWithOneLineNamingTheFlag() {
        String bundle = tmp.resolve("b").toString();
        String out = tmp.resolve("o").toString();
        assertTrue(run(2, "frobnicate", bundle, "--data", "x", "--out", out)[1]
                .contains("encode, reconstruct or evaluate, got 'frobnicate'"));
        String err = run(2, "evaluate", bundle, "--data", "shapes:n=10", "--out", out)[1];
        assertTrue(err.contains("--data: 'shapes:n=10' is not a path"), err);
        err = run(2, "encode", bundle, "--data", "parquet:t.parquet,colour=x", "--out", out)[1];
        assertTrue(err.contains("unknown key 'colour'"), err);
        err = run(2, "evaluate", bundle, "--data", "d", "--out", out, "--metrics", "ssim,nope")[1];
        assertTrue(err.contains("unknown metric 'nope'"), err);
        err = run(2, "encode", bundle, "--data", "d", "--out", out, "--png-files")[1];
        assertTrue(err.contains("--png-files applies to reconstruct only"), err);
        assertTrue(run(2, "encode", bundle)[1].contains("Missing required options"));
    }

    @Test
    void parsesDataSpecs() {
        assertEquals(ImageSource.folder("/d"), ImageSource.parse(List.of("folder:/d")));
        assertEquals(ImageSource.folder("/d"), ImageSource.parse(List.of("/d")));
        assertEquals(ImageSource.files(List.of("/d/*.png")), ImageSource.parse(List.of("/d/*.png")));
        assertEquals(ImageSource.files(List.of("/a.png", "/b.jpg")), ImageSource.parse(List.of("/a.png", "/b.jpg")));
        assertEquals(ImageSource.parquet("/t", "bytes", "name", "i"),
                ImageSource.parse(List.of("parquet:/t,image=bytes,id=name,index=i")));
        assertEquals(ImageSource.parquet("/t", "image", null, null), ImageSource.parse(List.of("parquet:/t")));
    }

    @Test
    void threadsShareTheCoresOfLocalMode() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.max(1, cores / 2), SparkMain.defaultThreads("local[2]"));
        assertEquals(cores, SparkMain.defaultThreads("local"));
        assertEquals(1, SparkMain.defaultThreads("spark://host:7077"));
        assertEquals(1, SparkMain.defaultThreads("local[*]"));
    }

    @Test
    void pngFileNamesFollowTheIds() {
        assertEquals("a/b/c.png", PartitionJob.pngName("a/b/c.jpg"));
        assertEquals("x.png", PartitionJob.pngName("x"));
        assertEquals("data/img/7.png", PartitionJob.pngName("file:/data/img/7.bmp"));
    }
}
