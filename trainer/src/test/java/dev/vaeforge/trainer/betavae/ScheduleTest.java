package dev.vaeforge.trainer.betavae;

import dev.vaeforge.trainer.capacityvae.CapacityVaeConfig;
import dev.vaeforge.trainer.family.Architecture;
import dev.vaeforge.trainer.model.Span;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Schedule values at given steps, as documented in docs/FAMILIES.md. */
class ScheduleTest {
    static final double EPS = 1e-12;

    @Test
    void constant() {
        KlSchedule s = new KlSchedule.Constant();
        assertEquals(4, s.beta(4, 0, 10), EPS);
        assertEquals(4, s.beta(4, 123_456, 10), EPS);
    }

    @Test
    void warmupFromZero() {
        KlSchedule s = new KlSchedule.Warmup(0, Span.ofSteps(100));
        assertEquals(0, s.beta(4, 0, 7), EPS);
        assertEquals(1, s.beta(4, 25, 7), EPS);
        assertEquals(2, s.beta(4, 50, 7), EPS);
        assertEquals(4, s.beta(4, 100, 7), EPS);
        assertEquals(4, s.beta(4, 1_000, 7), EPS, "stays at the target");
    }

    @Test
    void warmupFromAStartValueOverEpochs() {
        // 2 epochs of 10 steps: 20 steps from 1 to 5
        KlSchedule s = new KlSchedule.Warmup(1, Span.ofEpochs(2));
        assertEquals(1, s.beta(5, 0, 10), EPS);
        assertEquals(3, s.beta(5, 10, 10), EPS);
        assertEquals(5, s.beta(5, 20, 10), EPS);
        assertEquals(5, s.beta(5, 21, 10), EPS);
        // a start above the target warms down
        assertEquals(6, new KlSchedule.Warmup(8, Span.ofSteps(10)).beta(4, 5, 1), EPS);
    }

    @Test
    void cyclicalAtCycleBoundariesAndRampEnds() {
        // N = 80 steps, M = 4 cycles of 20 steps, ramp R = 0.5: 10 steps up, 10 steps at the target
        KlSchedule s = new KlSchedule.Cyclical(4, 0.5, Span.ofSteps(80));
        for (int c = 0; c < 4; c++) {
            int start = 20 * c;
            assertEquals(0, s.beta(2, start, 5), EPS, "cycle " + c + " starts at 0");
            assertEquals(1, s.beta(2, start + 5, 5), EPS, "half-way up the ramp");
            assertEquals(2, s.beta(2, start + 10, 5), EPS, "ramp end");
            assertEquals(2, s.beta(2, start + 19, 5), EPS, "last step of the cycle");
        }
        assertEquals(2, s.beta(2, 80, 5), EPS, "after the span");
        assertEquals(2, s.beta(2, 10_000, 5), EPS);
        // span in epochs: 4 epochs of 5 steps = 20 steps, 2 cycles of 10, ramp 0.25 -> 2.5 steps
        KlSchedule e = new KlSchedule.Cyclical(2, 0.25, Span.ofEpochs(4));
        assertEquals(0, e.beta(1, 10, 5), EPS);
        assertEquals(0.8, e.beta(1, 12, 5), EPS);
        assertEquals(1, e.beta(1, 13, 5), EPS);
    }

    @Test
    void capacityAtZeroMidEndAndBeyond() {
        CapacityVaeConfig c = new CapacityVaeConfig(new Architecture(1, 16, 4, List.of(8), null, 0), 1000.0, 25.0, Span.ofSteps(1000));
        assertEquals(0, c.capacityAt(0, 10), EPS);
        assertEquals(12.5, c.capacityAt(500, 10), EPS);
        assertEquals(25, c.capacityAt(1000, 10), EPS);
        assertEquals(25, c.capacityAt(5000, 10), EPS);
        CapacityVaeConfig e = new CapacityVaeConfig(new Architecture(1, 16, 4, List.of(8), null, 0), null, 10.0, Span.ofEpochs(4));
        assertEquals(5, e.capacityAt(20, 10), EPS, "4 epochs of 10 steps: half-way at step 20");
    }

    @Test
    void spansParseAndConvert() {
        assertEquals(Span.ofSteps(2000), Span.parse("2000 steps"));
        assertEquals(Span.ofSteps(1), Span.parse("1step"));
        assertEquals(Span.ofEpochs(10), Span.parse(" 10 EPOCHS "));
        assertEquals(Span.ofEpochs(3), Span.parse("3ep"));
        assertEquals(30, Span.ofEpochs(3).steps(10));
        assertEquals("3 epochs", Span.ofEpochs(3).toString());
        assertThrows(IllegalArgumentException.class, () -> Span.parse("10"));
        assertThrows(IllegalArgumentException.class, () -> Span.parse("0 steps"));
        assertThrows(IllegalArgumentException.class, () -> Span.parse("-3 epochs"));
    }
}
