package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vaeforge.runtime.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke test of `vaeforge bench disentanglement` with tiny sizes: the rows and the points each score drew; no timing is asserted. */
class BenchDisentanglementTest {
    @Test
    void printsOneRowPerScoreAndCountsThePointsEachDrew(@TempDir Path dir) throws Exception {
        Path bundle = TestBundles.vae(dir.resolve("vae"), 1, 16);
        Path json = dir.resolve("scores.json");
        CliRun r = CliRun.of("bench", "disentanglement", bundle.toString(), "--data", "shapes:n=8,size=16",
                "--num-train", "20", "--num-eval", "10", "--num-variance", "20", "--mig-points", "30", "--points-batch",
                "4", "--out", json.toString());
        assertEquals(0, r.exitCode(), r::toString);
        for (String row : new String[] {"beta_vae", "factor_vae", "mig", "sap", "dci", "modularity", "all",
                "render (shapes:n=8,size=16)", "render + encode (ORT)", "load average before"}) {
            assertTrue(r.out().contains(row), row + " in " + r);
        }
        JsonNode n = Json.mapper().readTree(Files.readString(json));
        JsonNode rows = n.path("scores_cost");
        assertEquals(7, rows.size(), rows::toString);
        // BetaVAE: a pair of batches per point; FactorVAE: a batch per point plus the variance sample
        assertEquals(2 * 4 * (20 + 10), rows.get(0).path("points").asLong());
        assertEquals(4 * (20 + 10) + 20, rows.get(1).path("points").asLong());
        assertEquals(30, rows.get(2).path("points").asLong());
        long sum = 0;
        for (int i = 0; i < 6; i++) {
            sum += rows.get(i).path("points").asLong();
            assertTrue(rows.get(i).path("bundle_seconds").asDouble() >= 0);
        }
        assertEquals(sum, rows.get(6).path("points").asLong());
        assertEquals(4, n.path("code_size").asInt());
        assertEquals(30, n.path("stages").get(1).path("images").asLong());
        assertTrue(n.path("scores").has("mig"));
    }
}
