package dev.vaeforge.cli;

import static dev.vaeforge.cli.FamilyCliTest.assertFails;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --posterior planar|iaf and --flow-steps through the CLI: every value that cannot apply is one line naming
 * the flag, its value and what is allowed, before any data is read (the data directory does not exist).
 */
class FlowPosteriorCliTest {
    @TempDir
    Path tmp;

    private String[] train(String out, String... args) {
        String[] head = {"train", "--data", "idx:" + tmp.resolve("no-such-data"), "--epochs", "1", "--out",
                tmp.resolve(out).toString()};
        return FamilyCliTest.concat(head, args);
    }

    @Test
    void valuesThatCannotApplyAreOneLineNamingTheFlag() {
        assertFails("--flow-steps must be in 1..64 for posterior iaf, got 0", train("a", "--posterior", "iaf",
                "--flow-steps", "0"));
        assertFails("--flow-steps must be in 1..64 for posterior planar, got 65", train("b", "--posterior", "planar",
                "--flow-steps", "65"));
        assertFails("--posterior: unknown posterior 'realnvp', expected one of gaussian, planar, iaf", train("c",
                "--posterior", "realnvp"));
        assertFails("--posterior iaf applies to the families with a Gaussian latent and one posterior draw per image "
                + "(vae, beta-vae, capacity-vae), not to model vqvae", train("d", "--model", "vqvae", "--posterior", "iaf"));
        assertFails("not to model iwae", train("e", "--model", "iwae", "--posterior", "planar"));
        assertFails("--posterior planar does not combine with --prior vamp", train("f", "--posterior", "planar",
                "--prior", "vamp"));
        assertFails("--posterior iaf does not combine with --prior flow: a flow posterior and a flow prior in one "
                + "model are not supported yet", train("g", "--posterior", "iaf", "--prior", "flow"));
    }
}
