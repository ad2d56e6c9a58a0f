package dev.vaeforge.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetsTest {
    @Test
    void verdictsAreMetMissedOrNotMeasured() {
        Targets t = Targets.of(1.2, null, 79.9, 1.5, 7300.0);
        List<Targets.Verdict> v = t.verdicts();
        assertEquals(List.of("MET", "not measured", "MISSED", "MET", "MET"), v.stream().map(Targets.Verdict::status).toList());
        assertEquals("n/a", v.get(1).value());
        StringWriter out = new StringWriter();
        t.print(new PrintWriter(out, true));
        String text = out.toString();
        assertTrue(text.contains("target train DJL >= 1.0x torch eager:             MET (1.20 x)"), text);
        assertTrue(text.contains("target reconstruct b64 ORT >= 1.6x torch eager:   not measured\n"), text);
        assertTrue(text.contains("target latency b1 p50 <= 1.5 ms:                  MET (1.500 ms)"), text);
        @SuppressWarnings("unchecked")
        Map<String, Object> lat = (Map<String, Object>) t.json().get("latency b1 p50 <= 1.5 ms");
        assertEquals(Map.of("value", 1.5, "status", "MET"), lat);
    }

    @Test
    void theQualityTargetIsOnlyForItsImageSize() {
        assertFalse(Targets.of(null, null, null, 2.0, null).json().containsKey("SSIM+GMSD >= 7,300 images/s"));
        assertEquals("MISSED", Targets.of(null, null, null, 2.0, null).verdicts().get(3).status());
    }
}
