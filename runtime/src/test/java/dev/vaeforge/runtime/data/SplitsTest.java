package dev.vaeforge.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitsTest {
    private static ArrayDataset images(int n) {
        return new ArrayDataset("n" + n, new ImageShape(1, 2, 2), new float[n * 4], null, null);
    }

    @Test
    void seededPartsAreDisjointCompleteAndReproducible() {
        SplitSizes s = new SplitSizes(0.1, 0.2, 3);
        int[] train = s.indices(Split.TRAIN, 100);
        int[] valid = s.indices(Split.VALID, 100);
        int[] test = s.indices(Split.TEST, 100);
        assertEquals(70, train.length);
        assertEquals(10, valid.length);
        assertEquals(20, test.length);
        int[] all = IntStream.concat(IntStream.concat(Arrays.stream(train), Arrays.stream(valid)), Arrays.stream(test))
                .sorted().toArray();
        assertArrayEquals(IntStream.range(0, 100).toArray(), all);
        assertArrayEquals(test, new SplitSizes(0.1, 0.2, 3).indices(Split.TEST, 100));
        assertTrue(!Arrays.equals(test, new SplitSizes(0.1, 0.2, 4).indices(Split.TEST, 100)), "the seed matters");
    }

    @Test
    void withoutValidationTheSplitEqualsSubsetSplit() {
        ArrayDataset d = images(50);
        Subset[] old = Subset.split(d, 5, 7);
        SplitSizes s = new SplitSizes(0, 0.1, 7);
        assertEquals(old[1].fingerprint(), Splits.part(d, Split.TEST, s).fingerprint());
        assertEquals(old[0].size(), Splits.part(d, Split.TRAIN, s).size());
    }

    @Test
    void sizesAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new SplitSizes(0.5, 0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> new SplitSizes(-0.1, 0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SplitSizes(0, Double.NaN, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SplitSizes(0.1, 0.1, 0).indices(Split.TRAIN, 2));
        assertTrue(e.getMessage().contains("leaves none for training"), e.getMessage());
        assertEquals("seeded split: 10% test, 0% valid, seed 0", SplitSizes.defaults().describe());
        assertEquals(Split.VALID, Split.parse(" Validation "));
        assertThrows(IllegalArgumentException.class, () -> Split.parse("dev"));
    }

    @Test
    void ownSplitsWinAndAnEmptyPartIsExplained() {
        ArrayDataset base = images(6);
        ImageDataset own = new ImageDataset() {
            @Override
            public ImageShape shape() {
                return base.shape();
            }

            @Override
            public int size() {
                return 6;
            }

            @Override
            public void read(int index, float[] dst, int offset) {
                base.read(index, dst, offset);
            }

            @Override
            public String description() {
                return "own";
            }

            @Override
            public String fingerprint() {
                return "f";
            }

            @Override
            public Optional<int[]> ownSplit(Split split) {
                return Optional.of(switch (split) {
                    case TRAIN -> new int[] {0, 1, 2, 3};
                    case VALID -> new int[0];
                    case TEST -> new int[] {4, 5};
                });
            }
        };
        SplitSizes any = new SplitSizes(0.2, 0.2, 1);
        assertEquals(4, Splits.part(own, Split.TRAIN, any).size());
        assertEquals(4, Splits.part(own, Split.TEST, any).baseIndex(0));
        assertEquals(Split.TEST, Splits.heldOut(own, any), "no own validation images: test on the test split");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Splits.part(own, Split.VALID, any));
        assertEquals("own has no valid images (own split: 4 train, 0 valid, 2 test); use the test split", e.getMessage());
        assertEquals(Split.VALID, Splits.heldOut(images(10), any));
        assertEquals(Split.TEST, Splits.heldOut(images(10), SplitSizes.defaults()));
        assertEquals(List.of(), Splits.part(images(10), Split.TEST, any).skipped());
    }
}
