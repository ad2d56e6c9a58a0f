package dev.vaeforge.runtime.data;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vaeforge.fixtures.CelebaFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every reader is fed random, truncated and mutated bytes: each open either succeeds (and then every
 * image reads) or throws an {@link IOException} whose message names the file. Nothing else may escape,
 * nothing may hang.
 */
class DataReaderFuzzTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private interface Opener {
        ImageDataset open() throws IOException;
    }

    /** Opens; on success reads everything. Returns true if the open failed cleanly. */
    private static boolean survive(String what, Path file, Opener opener) {
        ImageDataset d;
        try {
            d = opener.open();
        } catch (IOException e) {
            String m = e.getMessage();
            assertTrue(m != null && (m.contains(file.getFileName().toString()) || m.contains(file.getParent().toString())),
                    what + ": the message should name the file: " + m);
            return true;
        } catch (RuntimeException | Error e) {
            throw new AssertionError(what + ": " + e, e);
        }
        float[] img = new float[d.shape().size()];
        for (int i = 0; i < d.size(); i++) {
            try {
                d.read(i, img, 0);
            } catch (UncheckedIOException e) {
                // decode-on-read datasets may find a bad file late; that is a named error too
                assertTrue(e.getMessage() != null, what);
            }
        }
        return false;
    }

    private static byte[] mutate(byte[] valid, SplittableRandom r) {
        byte[] m = valid.clone();
        int flips = 1 + r.nextInt(4);
        for (int k = 0; k < flips; k++) {
            // mostly in the header, where mutations change what the reader believes
            int pos = r.nextInt(10) < 7 ? r.nextInt(Math.min(m.length, 140)) : r.nextInt(m.length);
            m[pos] = (byte) r.nextInt(256);
        }
        return m;
    }

    private void fuzzFile(String what, Path file, byte[] valid, Opener opener, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        int failures = 0;
        int cases = 0;
        for (int len : new int[] {0, 1, 5, 9, 16, 100, 1000}) {
            byte[] b = new byte[len];
            r.nextBytes(b);
            Files.write(file, b);
            failures += survive(what + " random " + len, file, opener) ? 1 : 0;
            cases++;
        }
        for (int cut = 0; cut < valid.length; cut += Math.max(1, valid.length / 60)) {
            Files.write(file, Arrays.copyOf(valid, cut));
            failures += survive(what + " truncated at " + cut, file, opener) ? 1 : 0;
            cases++;
        }
        for (int k = 0; k < 80; k++) {
            Files.write(file, mutate(valid, r));
            survive(what + " mutation " + k, file, opener);
            cases++;
        }
        Files.write(file, valid);
        if (survive(what + " valid", file, opener)) {
            fail(what + ": the valid file must open");
        }
        assertTrue(failures >= 7, what + ": random and truncated input must mostly fail (" + failures + " of " + cases + ")");
    }

    @Test
    void npyReaderSurvivesRandomAndTruncatedBytes() {
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] u8 = ArrayFiles.npy("|u1", "(3, 4, 5, 3)", ArrayFiles.pattern(3, 60));
            Path f = dir.resolve("a.npy");
            fuzzFile("npy u8", f, u8, () -> Datasets.open("npy:" + f, DatasetOptions.defaults()), 1);
            float[] v = new float[2 * 16];
            Arrays.fill(v, 0.5f);
            byte[] f4 = ArrayFiles.npy("<f4", "(2, 1, 4, 4)", ArrayFiles.floats(v, ByteOrder.LITTLE_ENDIAN));
            Path g = dir.resolve("b.npy");
            fuzzFile("npy f4", g, f4, () -> Datasets.open("npy:" + g, DatasetOptions.defaults()), 2);
            byte[] labels = ArrayFiles.npy("<i8", "(3,)", new byte[24]);
            Files.write(f, u8);
            Path l = dir.resolve("l.npy");
            fuzzFile("npy labels", l, labels, () -> Datasets.open("npy:" + f + ",labels=" + l, DatasetOptions.defaults()), 3);
        });
    }

    @Test
    void idxReaderSurvivesRandomAndTruncatedBytes() {
        assertTimeoutPreemptively(LIMIT, () -> {
            for (boolean gz : new boolean[] {false, true}) {
                Path data = dir.resolve(gz ? "gz" : "plain");
                ArrayFiles.writeIdxDataset(data, 6, 3, 5, 4, gz);
                String ext = gz ? ".gz" : "";
                DatasetOptions o = DatasetOptions.defaults().withCacheDir(dir.resolve("cache"));
                for (String name : new String[] {"train-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
                    Path f = data.resolve(name + ext);
                    fuzzFile("idx " + name + ext, f, Files.readAllBytes(f), () -> Datasets.open("idx:" + data, o),
                            name.length() + (gz ? 100 : 0));
                }
            }
        });
    }

    @Test
    void celebaListReadersSurviveRandomAndTruncatedBytes() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path root = dir.resolve("celeba");
            CelebaFixture.write(root, 5, 3);
            DatasetOptions o = DatasetOptions.defaults().withCacheDir(dir.resolve("cache"))
                    .withShape(new ImageShape(3, 16, 16));
            for (String name : new String[] {"list_attr_celeba.txt", "list_eval_partition.txt"}) {
                Path f = root.resolve(name);
                fuzzFile("celeba " + name, f, Files.readAllBytes(f), () -> Datasets.open("celeba:" + root, o), name.length());
                // and with skip-bad, which must never turn a broken list into a silent success with wrong rows
                fuzzFile("celeba skip-bad " + name, f, Files.readAllBytes(f),
                        () -> Datasets.open("celeba:" + root, o.withSkipBad(true)), name.length() + 7);
            }
        });
    }
}
