package dev.vaeforge.cli;

import static dev.vaeforge.cli.FamilyCliTest.assertFails;
import static dev.vaeforge.cli.FamilyCliTest.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --prior vamp through the CLI: recorded in config.json, exported as the bundle's gaussian-mixture prior,
 * evaluated with a Monte-Carlo KL; every value that cannot apply is one line naming its flag, before
 * any data is read.
 */
class VampPriorCliTest {
    private static final String[] SMALL = IwaeCliTest.SMALL;

    @TempDir
    Path tmp;

    @Test
    void trainsExportsAndEvaluatesAgainstTheLearnedPrior() throws Exception {
        Path run = tmp.resolve("run");
        CliRun t = CliRun.of(concat(new String[] {"train", "--model", "vae", "--prior", "vamp", "--prior-components", "6",
            "--out", run.toString()}, SMALL));
        assertEquals(0, t.exitCode(), t.toString());
        JsonNode config = new ObjectMapper().readTree(run.resolve("config.json").toFile());
        assertEquals("vamp", config.at("/config/model/prior/kind").asText(), config.toString());
        assertEquals(6, config.at("/config/model/prior/components").asInt());
        Path bundle = tmp.resolve("bundle");
        assertEquals(0, CliRun.of("export", run.toString(), "--out", bundle.toString()).exitCode());
        JsonNode manifest = new ObjectMapper().readTree(bundle.resolve("manifest.json").toFile());
        assertEquals("gaussian-mixture", manifest.at("/prior/type").asText());
        assertTrue(Files.isRegularFile(bundle.resolve("prior_mixture.npy")));
        Path eval = tmp.resolve("eval");
        CliRun e = CliRun.of("evaluate", bundle.toString(), "--data", "shapes:n=8,size=16,seed=4", "--samples", "4",
                "--nll-samples", "10", "--out", eval.toString());
        assertEquals(0, e.exitCode(), e.toString());
        JsonNode m = new ObjectMapper().readTree(eval.resolve("metrics.json").toFile());
        assertTrue(m.at("/estimation/kl").asText().startsWith("Monte Carlo"), m.toString());
        assertTrue(m.at("/reconstruction/nll/mean").asDouble() > 0);
        assertTrue(m.at("/settings/prior").asText().contains("(1/6) sum_k N(mu_k, sigma_k^2)"), m.toString());
        // a standard run writes no prior field: its config.json is what it always was
        Path plain = tmp.resolve("plain");
        assertEquals(0, CliRun.of(concat(new String[] {"train", "--model", "vae", "--out", plain.toString()}, SMALL))
                .exitCode());
        assertFalse(Files.readString(plain.resolve("config.json")).contains("\"prior\""));
    }

    @Test
    void valuesThatCannotApplyAreOneLineNamingTheFlag() {
        assertFails("--prior: unknown prior 'maf', expected one of standard, vamp, flow", concat(new String[] {"train",
            "--prior", "maf", "--out", tmp.resolve("a").toString()}, SMALL));
        assertFails("--prior-components must be in 1..10000, got 0", concat(new String[] {"train", "--prior", "vamp",
            "--prior-components", "0", "--out", tmp.resolve("b").toString()}, SMALL));
        assertFails("--prior vamp applies to the families with a Gaussian latent trained on an ELBO (vae, beta-vae, "
                + "capacity-vae, iwae), not to model vqvae", concat(new String[] {"train", "--model", "vqvae", "--prior",
            "vamp", "--out", tmp.resolve("c").toString()}, SMALL));
        assertFails("--free-bits does not apply to --prior vamp: it floors the KL of each latent dimension", concat(new String[] {"train", "--model",
            "beta-vae", "--free-bits", "0.5", "--prior", "vamp", "--out", tmp.resolve("d").toString()}, SMALL));
        assertFails("--iw-estimator dreg does not apply to --prior vamp: the VampPrior's components come from the encoder", concat(new String[] {"train",
            "--model", "iwae", "--iw-estimator", "dreg", "--prior", "vamp", "--out", tmp.resolve("e").toString()}, SMALL));
    }
}
