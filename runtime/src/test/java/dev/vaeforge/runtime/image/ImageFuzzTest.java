package dev.vaeforge.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vaeforge.fixtures.SampleFormat;
import dev.vaeforge.fixtures.SampleImages;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing: random bytes, truncations and byte mutations of real files must either decode to a
 * sane image or fail with an {@link ImageReadException} — never another exception, never a hang.
 */
class ImageFuzzTest {
    private static final int CASES_PER_FORMAT = 60;

    @Test
    void mutatedFilesFailCleanly() {
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            SplittableRandom random = new SplittableRandom(1234);
            int failures = 0;
            int total = 0;
            for (SampleFormat format : SampleFormat.values()) {
                byte[] valid = SampleImages.encode(format, 24, 20, 0);
                for (int c = 0; c < CASES_PER_FORMAT; c++) {
                    byte[] bytes = mutate(valid, random, c);
                    total++;
                    failures += decodeOrFail(bytes, format + " case " + c) ? 0 : 1;
                }
            }
            for (int c = 0; c < 40; c++) {
                byte[] noise = new byte[random.nextInt(1, 4096)];
                random.nextBytes(noise);
                total++;
                failures += decodeOrFail(noise, "noise " + c) ? 0 : 1;
            }
            // most cases must really be broken, or the fuzzing tests nothing
            assertTrue(failures > total / 2, failures + " of " + total + " failed");
        });
    }

    @Test
    void signaturesFollowedByGarbageFailCleanly() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            byte[][] signatures = {
                {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'},
                {(byte) 0xff, (byte) 0xd8, (byte) 0xff},
                {'B', 'M'},
                {'G', 'I', 'F', '8', '9', 'a'},
                {'I', 'I', 42, 0},
                {'M', 'M', 0, 42},
            };
            SplittableRandom random = new SplittableRandom(99);
            for (byte[] sig : signatures) {
                for (int c = 0; c < 30; c++) {
                    byte[] b = new byte[sig.length + random.nextInt(0, 300)];
                    random.nextBytes(b);
                    System.arraycopy(sig, 0, b, 0, sig.length);
                    decodeOrFail(b, new String(sig, java.nio.charset.StandardCharsets.ISO_8859_1) + " case " + c);
                }
            }
        });
    }

    private static byte[] mutate(byte[] valid, SplittableRandom random, int c) {
        switch (c % 3) {
            case 0:
                return Arrays.copyOf(valid, random.nextInt(0, valid.length));
            case 1: {
                byte[] b = valid.clone();
                int n = random.nextInt(1, 9);
                for (int i = 0; i < n; i++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                return b;
            }
            default: {
                // header damage: mutate within the first 64 bytes, where sizes and lengths live
                byte[] b = valid.clone();
                int n = random.nextInt(1, 4);
                for (int i = 0; i < n; i++) {
                    b[random.nextInt(Math.min(64, b.length))] = (byte) random.nextInt(256);
                }
                return b;
            }
        }
    }

    /** True when the bytes decoded; fails the test on anything but a clean ImageReadException. */
    private static boolean decodeOrFail(byte[] bytes, String what) {
        try {
            DecodedImage d = ImageDecoder.decode(bytes, what, 1 << 22);
            FloatImage img = d.image();
            assertEquals(img.channels() * img.height() * img.width(), img.data().length);
            for (float v : img.data()) {
                if (!(v >= 0f && v <= 1f)) {
                    fail(what + ": decoded value " + v + " outside [0, 1]");
                }
            }
            return true;
        } catch (ImageReadException e) {
            assertTrue(e.getMessage().startsWith(what + ": "), e.getMessage());
            return false;
        } catch (Throwable t) {
            throw new AssertionError(what + ": " + t.getClass().getName() + " escaped the decoder", t);
        }
    }
}
