package dev.vaeforge.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static StepProgress step(int s) {
        return new StepProgress(1, 2, s, 10, s, 20, 5, 4.5, 1234.4, s, 65);
    }

    @Test
    void logModePrintsOneLinePerInterval() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        long[] now = {0};
        ProgressBar bar = new ProgressBar(new PrintStream(buf, true, StandardCharsets.UTF_8), false, 1000, () -> now[0]);
        for (int s = 1; s <= 10; s++) {
            bar.onStep(step(s));
            now[0] += 300_000_000L; // 0.3 s per step: a line at steps 1, 5 and 9
        }
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length);
        assertEquals("epoch 1/2 [##------------------] 1/10 loss 4.5000 1234 img/s ETA 1:05", lines[0]);
        assertTrue(lines[2].contains(" 9/10 "), lines[2]);
        assertTrue(!buf.toString(StandardCharsets.UTF_8).contains("\r"));
    }

    @Test
    void terminalModeRedrawsInPlace() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(buf, true, StandardCharsets.UTF_8), true, 1000, () -> 0L);
        bar.onStep(step(1));
        bar.onStep(step(2)); // within 100 ms: skipped
        bar.onStep(step(10)); // last step of the epoch: always drawn
        bar.onEpoch(new EpochMetrics(1, 10, 4.5, 4, 0.5, 4.4, 4, 0.4, 1000, 2));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(3, out.split("\r", -1).length - 1, out);
        assertTrue(out.endsWith("epoch 1: train 4.5000 (recon 4.0000 + kl 0.5000), test 4.4000 (recon 4.0000 + kl"
                + " 0.4000), 1000 img/s, 2.0 s\n"), out);
    }

    @Test
    void formatsDurations() {
        assertEquals("0:59", ProgressBar.duration(59.4));
        assertEquals("1:00:01", ProgressBar.duration(3601));
        assertEquals("?", ProgressBar.duration(Double.NaN));
    }
}
