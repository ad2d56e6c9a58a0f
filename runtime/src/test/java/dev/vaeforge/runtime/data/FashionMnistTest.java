package dev.vaeforge.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Fashion-MNIST from Debian's {@code dataset-fashion-mnist} (scripts/install-debian-deps.sh
 * installs it in CI); skipped where it is not installed.
 */
class FashionMnistTest {
    static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path cache;

    @Test
    void opensWithItsOwnTrainAndTestSplit() throws IOException {
        assumeTrue(Files.isRegularFile(DIR.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
        ImageDataset d = Datasets.open("idx:" + DIR, DatasetOptions.defaults().withCacheDir(cache));
        assertEquals(70_000, d.size());
        assertEquals(new ImageShape(1, 28, 28), d.shape());
        assertEquals(60_000, Splits.part(d, Split.TRAIN, SplitSizes.defaults()).size());
        assertEquals(10_000, Splits.part(d, Split.TEST, SplitSizes.defaults()).size());
        assertEquals(10, d.labelNames().size());
        assertEquals(9, d.label(0), "the first training image is an ankle boot");
        assertEquals(9, d.label(60_000), "so is the first test image");
        int[] perClass = new int[10];
        for (int i = 0; i < 60_000; i++) {
            perClass[d.label(i)]++;
        }
        for (int c : perClass) {
            assertEquals(6000, c, "6000 training images per class");
        }
        float[] img = new float[784];
        d.read(0, img, 0);
        float sum = 0;
        for (float v : img) {
            sum += v;
        }
        assertTrue(sum > 100 && sum < 600, "an ankle boot covers part of the frame: " + sum);
        ImageDataset again = Datasets.open("idx:" + DIR, DatasetOptions.defaults().withCacheDir(cache));
        assertEquals(d.fingerprint(), again.fingerprint());
    }
}
