package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.trainer.family.Family;
import dev.vaeforge.trainer.family.FamilyParameter;
import dev.vaeforge.trainer.family.FamilyRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class FamilyParameterOptionsTest {
    /** Every registered family's parameters are options of train, so none can slip past the "does not apply" check. */
    @Test
    void everyFamilyParameterIsATrainFlag() {
        CommandLine train = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                .getSubcommands().get("train");
        int n = 0;
        for (Family<?> f : FamilyRegistry.all()) {
            for (FamilyParameter p : f.parameters()) {
                OptionSpec o = train.getCommandSpec().findOption("--" + p.name());
                assertNotNull(o, "--" + p.name());
                assertEquals(f, FamilyParameterOptions.owners().get("--" + p.name()));
                assertTrue(o.description()[0].startsWith(f.id()), o.description()[0]);
                n++;
            }
        }
        assertEquals(n, FamilyParameterOptions.owners().size());
        OptionSpec span = train.getCommandSpec().findOption("--kl-span");
        assertEquals("beta-vae, warmup or cyclical: length of the warm-up, or of all cycles together: N steps or N "
                + "epochs, e.g. 2000steps or 10epochs. Default: the whole run (--epochs epochs).", span.description()[0]);
        assertEquals(0, train.getCommandSpec().findOption("--ema").arity().max());
    }

    @Test
    void parametersAreShownAsFlags() {
        assertEquals("--beta must be a number >= 0, got -1.0",
                ParameterFlags.render("beta must be a number >= 0, got -1.0", List.of("beta")));
        assertEquals("--ema-decay applies with --ema (EMA codebook updates)",
                ParameterFlags.render("ema-decay applies with ema (EMA codebook updates)", List.of("ema-decay", "ema")));
        assertEquals("--attributes applies to --conditioning attributes, not labels", ParameterFlags.render(
                "attributes applies to conditioning attributes, not labels", List.of("attributes", "conditioning")));
        assertEquals("--model: unknown model family 'gan', expected one of vae",
                ParameterFlags.render("model: unknown model family 'gan', expected one of vae", List.of("model")));
        assertEquals("--steps: must be >= 2", ParameterFlags.render("must be >= 2", List.of("steps")));
    }
}
