package dev.vaeforge.cli;

import static dev.vaeforge.cli.FamilyCliTest.assertFails;
import static dev.vaeforge.cli.FamilyCliTest.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * iwae through the CLI: its flags come from its plug-in, out-of-range values and a flag given to
 * another family are one line each; a trained iwae exports as an ordinary Gaussian bundle and
 * evaluate --nll-samples reports the importance-sampled NLL; a code-grid bundle refuses it.
 */
class IwaeCliTest {
    static final String[] SMALL = {"--data", "shapes:n=96,size=16", "--epochs", "1", "--batch-size", "16",
        "--latent-dim", "3", "--widths", "8,8"};

    @TempDir
    Path tmp;

    @Test
    void trainsWithDregExportsAndEvaluatesTheLikelihood() throws Exception {
        Path run = tmp.resolve("run");
        CliRun t = CliRun.of(concat(new String[] {"train", "--model", "iwae", "--iw-samples", "3", "--iw-estimator", "dreg",
            "--out", run.toString()}, SMALL));
        assertEquals(0, t.exitCode(), t.toString());
        assertTrue(t.out().contains("test IWAE bound"), t.out());
        String header = Files.readAllLines(run.resolve("metrics.csv")).get(0);
        assertTrue(header.endsWith("trainIwaeBound,testIwaeBound,trainElbo,testElbo,trainEss,testEss"), header);
        Path bundle = tmp.resolve("bundle");
        assertEquals(0, CliRun.of("export", run.toString(), "--out", bundle.toString()).exitCode());
        Path eval = tmp.resolve("eval");
        CliRun e = CliRun.of("evaluate", bundle.toString(), "--data", "shapes:n=8,size=16,seed=4", "--samples", "0",
                "--nll-samples", "20", "--out", eval.toString());
        assertEquals(0, e.exitCode(), e.toString());
        JsonNode m = new ObjectMapper().readTree(eval.resolve("metrics.json").toFile());
        assertTrue(m.path("reconstruction").path("nll").path("mean").asDouble() > 0, m.toString());
        assertEquals(3, m.path("latent").path("dims").asInt());
        assertTrue(m.path("estimation").path("nll").asText().contains("20 draws per image"), m.toString());
        assertEquals(8, m.path("surgery").path("images").asInt(), "ELBO surgery is on by default");
        assertTrue(Files.readString(eval.resolve("metrics.md")).contains("ELBO surgery over 8 of 8 posteriors"));
    }

    @Test
    void badValuesAndOtherFamiliesFlagsAreOneLineNamingTheFlag() {
        assertFails("--iw-samples must be in 1..5000, got 0", concat(new String[] {"train", "--model", "iwae",
            "--iw-samples", "0", "--out", tmp.resolve("a").toString()}, SMALL));
        assertFails("--iw-estimator: unknown estimator 'rws', expected iwae or dreg", concat(new String[] {"train",
            "--model", "iwae", "--iw-estimator", "rws", "--out", tmp.resolve("b").toString()}, SMALL));
        assertFails("--iw-samples does not apply to --model vae; it is a flag of --model iwae", concat(new String[] {"train",
            "--model", "vae", "--iw-samples", "5", "--out", tmp.resolve("c").toString()}, SMALL));
        assertFails("--nll-samples must be in 0..100000, got -1", "evaluate", tmp.resolve("none").toString(), "--data",
                "shapes", "--nll-samples", "-1", "--out", tmp.resolve("d").toString());
        assertFails("--surgery-images must be 0 (off) or in 2..50000, got 1", "evaluate", tmp.resolve("none").toString(),
                "--data", "shapes", "--surgery-images", "1", "--out", tmp.resolve("e").toString());
    }
}
