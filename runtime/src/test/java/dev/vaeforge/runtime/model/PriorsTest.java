package dev.vaeforge.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.bundle.CodePrior;
import dev.vaeforge.runtime.ops.Posterior;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PriorsTest {
    @Test
    void standardNormalIsSeededAndHasAClosedFormKl() {
        Prior p = new StandardNormalPrior(3);
        Prior.Draw a = p.sample(4, new Random(7));
        assertArrayEquals(a.latents(), p.sample(4, new Random(7)).latents());
        assertNull(a.codes());
        Random r = new Random(7);
        assertEquals((float) r.nextGaussian(), a.latents()[0]);
        assertEquals(12, a.latents().length);
        assertEquals("z ~ N(0, I)", p.description());
        assertTrue(p.closedFormKl());
        double[] kl = p.kl(new Posterior(new float[] {1, 0, 0, 0, 0, 0}, new float[] {0, 0, 0, 0, 0, Math.round(Math.log(2) * 1e6) / 1e6f}, 2, 3));
        assertEquals(0.5, kl[0], 1e-9);
        assertEquals(0.5 * (2 - Math.log(2) - 1), kl[1], 1e-6);
    }

    @Test
    void gaussianDrawsAreOneStreamOverChunks() {
        Prior p = new StandardNormalPrior(2);
        Prior.Draws chunks = p.draws(11);
        float[] first = chunks.next(0, 3).latents();
        float[] second = chunks.next(3, 2).latents();
        float[] whole = p.sample(5, new Random(11)).latents();
        for (int i = 0; i < 6; i++) {
            assertEquals(whole[i], first[i]);
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(whole[6 + i], second[i]);
        }
    }

    @Test
    void uniformCodesAreSeededInRangeAndDrawnPerChunk() {
        Prior p = new UniformCodePrior(4, 3);
        long[] a = p.sample(50, new Random(1)).codes();
        assertArrayEquals(a, p.sample(50, new Random(1)).codes());
        for (long c : a) {
            assertTrue(c >= 0 && c < 3);
        }
        assertFalse(p.closedFormKl());
        assertThrows(UnsupportedOperationException.class, () -> p.kl(null));
        // an evaluation's chunk k draws from Random(seed * 1_000_003 + first item), as before format 2
        assertArrayEquals(p.sample(2, new Random(5 * 1_000_003L + 8)).codes(), p.draws(5).next(8, 2).codes());
        assertEquals("uniform", p.id());
    }

    @Test
    void empiricalCodesFollowTheCounts() {
        // one position; code 0 three times as often as code 2, code 1 never
        Prior p = new EmpiricalCodePrior(new CodePrior(3, 1, 1, 4, List.of(new long[] {3, 0, 1})));
        long[] codes = p.sample(20_000, new Random(2)).codes();
        int[] seen = new int[3];
        for (long c : codes) {
            seen[(int) c]++;
        }
        assertEquals(0, seen[1]);
        assertEquals(0.75, seen[0] / 20_000.0, 0.015);
        assertEquals(0.25, seen[2] / 20_000.0, 0.015);
        assertArrayEquals(codes, p.sample(20_000, new Random(2)).codes());
        assertEquals("codes drawn per grid position from the bundle's empirical code prior", p.description());
        assertEquals("empirical", p.id());
    }

    @Test
    void aDrawHoldsOneKind() {
        assertThrows(IllegalArgumentException.class, () -> new Prior.Draw(new float[1], new long[1], 1));
        assertThrows(IllegalArgumentException.class, () -> new Prior.Draw(null, null, 1));
    }
}
