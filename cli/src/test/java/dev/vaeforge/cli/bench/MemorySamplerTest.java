package dev.vaeforge.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemorySamplerTest {
    @Test
    void phasesAreRecordedInOrderWithTheirPeaks() throws Exception {
        MemorySampler m = new MemorySampler();
        m.start();
        try {
            m.beginPhase();
            byte[][] held = new byte[16][];
            for (int i = 0; i < held.length; i++) {
                held[i] = new byte[1 << 20];
                held[i][i] = 1;
            }
            Thread.sleep(60);
            m.endPhase("first");
            m.beginPhase();
            m.endPhase("second");
            assertEquals(List.of("first", "second"), List.copyOf(m.phases().keySet()));
            MemorySampler.Phase p = m.phases().get("first");
            assertTrue(p.heapPeakMb() >= 16, p.toString());
            if (!Double.isNaN(p.rssStartMb())) { // Linux: /proc/self is there
                assertTrue(p.rssPeakMb() >= p.rssStartMb(), p.toString());
                assertEquals(p.rssPeakMb() - p.rssStartMb(), p.rssGrowthMb(), 1e-9);
                assertTrue(p.vmHwmAfterMb() >= p.rssStartMb(), p.toString());
            }
            java.lang.ref.Reference.reachabilityFence(held);
        } finally {
            m.stop();
        }
    }
}
