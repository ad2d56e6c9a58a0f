package dev.vaeforge.cli;

import static dev.vaeforge.cli.FamilyCliTest.assertFails;
import static dev.vaeforge.cli.FamilyCliTest.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --prior flow through the CLI: recorded in config.json, the prior's norm logged per epoch, exported as
 * the prior graphs, inspected, sampled and evaluated through them; bad values are one line naming the flag.
 */
class FlowPriorCliTest {
    private static final String[] SMALL = IwaeCliTest.SMALL;

    @TempDir
    Path tmp;

    @Test
    void trainsExportsSamplesAndEvaluatesThroughThePriorGraphs() throws Exception {
        Path run = tmp.resolve("run");
        CliRun t = CliRun.of(concat(new String[] {"train", "--model", "vae", "--prior", "flow", "--prior-flow-steps", "2",
            "--prior-hidden", "8", "--out", run.toString()}, SMALL));
        assertEquals(0, t.exitCode(), t.toString());
        JsonNode config = new ObjectMapper().readTree(run.resolve("config.json").toFile());
        assertEquals("flow", config.at("/config/model/prior/kind").asText(), config.toString());
        assertEquals(2, config.at("/config/model/prior/flowSteps").asInt());
        assertEquals(8, config.at("/config/model/prior/flowHidden").asInt());
        List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        assertTrue(csv.get(0).endsWith(",priorNorm"), csv.get(0));
        String[] header = csv.get(0).split(",");
        String[] last = csv.get(csv.size() - 1).split(",");
        assertEquals(header.length, last.length, "one value per column");
        assertTrue(Double.parseDouble(last[last.length - 1]) > 0, "the flow's parameter norm");
        Path bundle = tmp.resolve("bundle");
        CliRun x = CliRun.of("export", run.toString(), "--out", bundle.toString());
        assertEquals(0, x.exitCode(), x.toString());
        JsonNode manifest = new ObjectMapper().readTree(bundle.resolve("manifest.json").toFile());
        assertEquals("graphs", manifest.at("/prior/type").asText());
        assertTrue(Files.isRegularFile(bundle.resolve("prior_sample.onnx")));
        assertTrue(Files.isRegularFile(bundle.resolve("prior_log_prob.onnx")));
        CliRun i = CliRun.of("inspect", bundle.toString());
        assertEquals(0, i.exitCode(), i.toString());
        assertTrue(i.out().contains("z = prior_sample(z*), z* ~ N(0, I)"), i.toString());
        CliRun s = CliRun.of("sample", bundle.toString(), "--count", "4", "--out", tmp.resolve("s.png").toString());
        assertEquals(0, s.exitCode(), s.toString());
        Path eval = tmp.resolve("eval");
        CliRun e = CliRun.of("evaluate", bundle.toString(), "--data", "shapes:n=8,size=16,seed=4", "--samples", "4",
                "--nll-samples", "10", "--out", eval.toString());
        assertEquals(0, e.exitCode(), e.toString());
        JsonNode m = new ObjectMapper().readTree(eval.resolve("metrics.json").toFile());
        assertTrue(m.at("/estimation/kl").asText().startsWith("Monte Carlo"), m.toString());
        assertTrue(m.at("/reconstruction/nll/mean").asDouble() > 0);
        assertTrue(m.at("/settings/prior").asText().contains("RealNVP flow (2 affine coupling layers, hidden 8)"),
                m.toString());
        assertTrue(Files.readString(eval.resolve("report.html")).contains("prior_sample(z*)"), "the report names the prior");
    }

    @Test
    void valuesThatCannotApplyAreOneLineNamingTheFlag() {
        assertFails("--prior-flow-steps must be in 1..64, got 0", concat(new String[] {"train", "--prior", "flow",
            "--prior-flow-steps", "0", "--out", tmp.resolve("a").toString()}, SMALL));
        assertFails("--prior-hidden must be in 1..4096, got 0", concat(new String[] {"train", "--prior", "flow",
            "--prior-hidden", "0", "--out", tmp.resolve("b").toString()}, SMALL));
        assertFails("--prior flow applies to the families with a Gaussian latent trained on an ELBO (vae, beta-vae, "
                + "capacity-vae, iwae), not to model vqvae", concat(new String[] {"train", "--model", "vqvae", "--prior",
            "flow", "--out", tmp.resolve("c").toString()}, SMALL));
        assertFails("--iw-estimator dreg does not apply to --prior flow", concat(new String[] {"train",
            "--model", "iwae", "--iw-estimator", "dreg", "--prior", "flow", "--out", tmp.resolve("e").toString()}, SMALL));
    }
}
