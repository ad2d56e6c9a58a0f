package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vaeforge.fixtures.CelebaFixture;
import dev.vaeforge.fixtures.CorruptFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset specs through the CLI: own splits, --split, --skip-bad into RUN/skipped.tsv, the cache. */
class DataCliTest {
    static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path tmp;

    /** An IDX dataset of 16x16 gray blobs: train 64 images, t10k 20. */
    private Path idxDataset() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("idx"));
        writeIdx(dir, "train", 64, 1);
        writeIdx(dir, "t10k", 20, 2);
        return dir;
    }

    private static void writeIdx(Path dir, String prefix, int n, int seed) throws IOException {
        java.util.Random r = new java.util.Random(seed);
        ByteBuffer img = ByteBuffer.allocate(16 + n * 256);
        img.putInt(0x00000803).putInt(n).putInt(16).putInt(16);
        ByteBuffer lab = ByteBuffer.allocate(8 + n);
        lab.putInt(0x00000801).putInt(n);
        for (int i = 0; i < n; i++) {
            int cx = 4 + r.nextInt(8);
            int cy = 4 + r.nextInt(8);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    img.put((byte) ((x - cx) * (x - cx) + (y - cy) * (y - cy) < 10 ? 255 : 0));
                }
            }
            lab.put((byte) (i % 10));
        }
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), img.array());
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), lab.array());
    }

    @Test
    void cvaeConditionedOnCelebaAttributesTrainsExportsAndSamples() throws IOException {
        CelebaFixture f = CelebaFixture.write(tmp.resolve("celeba-attr"), 48, 8);
        Path run = tmp.resolve("cvae-attr");
        CliRun t = train("celeba:" + f.dir(), run, "--image-size", "16", "--model", "cvae", "--conditioning",
                "attributes", "--attributes", "Smiling,Eyeglasses");
        assertEquals(0, t.exitCode(), t.toString());
        Path bundle = tmp.resolve("cvae-attr-bundle");
        assertEquals(0, CliRun.of("export", run.toString(), "--out", bundle.toString()).exitCode());
        CliRun i = CliRun.of("inspect", bundle.toString());
        assertTrue(i.out().contains("Smiling") && i.out().contains("Eyeglasses"), i.toString());
        CliRun s = CliRun.of("sample", bundle.toString(), "-n", "4", "--condition", "Smiling=1,Eyeglasses=0", "--out",
                tmp.resolve("smiling.png").toString());
        assertEquals(0, s.exitCode(), s.toString());
        CliRun bad = train("celeba:" + f.dir(), tmp.resolve("cvae-bad"), "--image-size", "16", "--model", "cvae",
                "--conditioning", "attributes", "--attributes", "Smiling,Wings");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("no attribute 'Wings'"), bad.toString());
    }

    private CliRun train(String data, Path run, String... more) {
        String[] base = {"train", "--data", data, "--epochs", "1", "--batch-size", "16", "--latent-dim", "2",
            "--widths", "8,8", "--out", run.toString(), "--cache-dir", tmp.resolve("cache").toString()};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliRun.of(args);
    }

    @Test
    void idxTrainsOnItsTrainPartTestsOnT10kAndReconstructsASplit() throws IOException {
        Path data = idxDataset();
        Path run = tmp.resolve("run");
        CliRun t = train("idx:" + data, run);
        assertEquals(0, t.exitCode(), t.toString());
        String config = Files.readString(run.resolve("config.json"));
        assertTrue(config.contains("\"split\" : \"own split: 64 train, 0 valid, 20 test; tested on test\""), config);
        assertTrue(config.contains("\"testImages\" : 20"), config);
        assertFalse(Files.exists(run.resolve("skipped.tsv")));

        CliRun valid = train("idx:" + data, tmp.resolve("run2"), "--split", "valid");
        assertEquals(2, valid.exitCode(), valid.toString());
        assertTrue(valid.err().contains("has no valid images (own split: 64 train, 0 valid, 20 test); use the test split"),
                valid.toString());
        CliRun trainSplit = train("idx:" + data, tmp.resolve("run3"), "--split", "train");
        assertEquals(2, trainSplit.exitCode(), trainSplit.toString());
        assertTrue(trainSplit.err().contains("choose valid or test"), trainSplit.toString());
        CliRun limited = train("idx:" + data, tmp.resolve("run4"), "--limit", "32");
        assertEquals(0, limited.exitCode(), limited.toString());
        String limitedConfig = Files.readString(tmp.resolve("run4/config.json"));
        assertTrue(limitedConfig.contains("\"trainImages\" : 32") && limitedConfig.contains("\"testImages\" : 20"),
                limitedConfig);

        Path bundle = tmp.resolve("bundle");
        assertEquals(0, CliRun.of("export", run.toString(), "--out", bundle.toString()).exitCode());
        Path out = tmp.resolve("recon");
        CliRun r = CliRun.of("reconstruct", bundle.toString(), "--input", "idx:" + data, "--split", "test", "--out",
                out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("reconstructed 20 images"), r.toString());
        assertTrue(Files.isRegularFile(out.resolve("recon-00019.png")));
    }

    @Test
    void celebaBadFilesFailBeforeTrainingOrAreSkippedIntoTheRunDirectory() throws IOException {
        CelebaFixture f = CelebaFixture.write(tmp.resolve("celeba"), 40, 5);
        Files.write(f.file(2), CorruptFiles.bytes(CorruptFiles.Kind.TRUNCATED_JPEG));
        Path run = tmp.resolve("run");
        CliRun fail = train("celeba:" + f.dir(), run, "--image-size", "16");
        assertEquals(2, fail.exitCode(), fail.toString());
        assertTrue(fail.err().contains("img_align_celeba/000003.jpg: truncated or corrupt JPEG data"), fail.toString());
        assertFalse(Files.exists(run.resolve("config.json")), "nothing was trained");

        CliRun ok = train("celeba:" + f.dir(), run, "--image-size", "16", "--skip-bad");
        assertEquals(0, ok.exitCode(), ok.toString());
        assertTrue(ok.out().contains("skipped        1 bad items, listed in"), ok.toString());
        assertTrue(ok.err().contains("building the cache: 40/40"), ok.toString()); // the bad file keeps an empty slot
        assertTrue(Files.readString(run.resolve("skipped.tsv")).startsWith(
                "img_align_celeba/000003.jpg\ttruncated or corrupt JPEG data"));
        String config = Files.readString(run.resolve("config.json"));
        assertTrue(config.contains("own split: 31 train, 4 valid, 4 test; tested on valid"), config);
        assertTrue(config.contains("\"skipped\" : 1"), config);
        try (Stream<Path> s = Files.list(tmp.resolve("cache"))) {
            assertEquals(1, s.filter(p -> p.getFileName().toString().startsWith("celeba-v1-")).count());
        }
    }

    @Test
    void fashionMnistTrainsWithTheDefaultWidthsFor28Pixels() throws IOException {
        assumeTrue(Files.isRegularFile(FASHION.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
        Path run = tmp.resolve("fashion");
        CliRun t = CliRun.of("train", "--data", "idx:" + FASHION, "--epochs", "1", "--limit", "256", "--batch-size", "64",
                "--latent-dim", "4", "--out", run.toString(), "--cache-dir", tmp.resolve("cache").toString());
        assertEquals(0, t.exitCode(), t.toString());
        String config = Files.readString(run.resolve("config.json"));
        assertTrue(config.replaceAll("\\s", "").contains("\"widths\":[32,32]"), config);
        assertTrue(config.contains("\"imageShape\" : \"1x28x28\""), config);
        assertTrue(config.contains("\"testImages\" : 256"), config);
        assertTrue(config.contains("own split: 60000 train, 0 valid, 10000 test; tested on test; first 256 images"),
                config);
    }
}
