package dev.vaeforge.runtime.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vaeforge.runtime.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's training curves: a run of one epoch shows its points, not empty axes. */
class HtmlReportPlotTest {
    @Test
    void oneEpochIsDrawnAsPointsAndSaysOneEpoch() throws Exception {
        List<JsonNode> rows = List.of(Json.mapper().readTree("{\"epoch\": 1, \"trainLoss\": 300.5, \"testLoss\": 280.25}"));
        String svg = HtmlReport.plot("Loss", rows, List.of("trainLoss", "testLoss"));
        assertEquals(2, count(svg, "<circle "), svg);
        assertTrue(svg.contains(">1 epoch</text>"), svg);
        assertFalse(svg.contains(">epoch 1</text>"), "no axis from epoch 1 to 2: " + svg);
    }

    @Test
    void severalEpochsKeepTheirLineTheirAxisAndADotPerPoint() throws Exception {
        List<JsonNode> rows = List.of(Json.mapper().readTree("{\"epoch\": 1, \"trainLoss\": 300}"),
                Json.mapper().readTree("{\"epoch\": 2, \"trainLoss\": 250}"), Json.mapper().readTree("{\"epoch\": 3, \"trainLoss\": 240}"));
        String svg = HtmlReport.plot("Loss", rows, List.of("trainLoss"));
        assertEquals(3, count(svg, "<circle "), svg);
        assertTrue(svg.contains(">epoch 1</text>") && svg.contains(">3</text>"), svg);
        assertFalse(svg.contains("1 epoch"), svg);
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
