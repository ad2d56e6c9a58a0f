package dev.vaeforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeforgeException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class ExitCodesTest {
    @Test
    void everyCategoryHasItsOwnStatusAndHelpListsIt() {
        String help = CliRun.of("--help").out();
        String list = help.substring(help.indexOf("Exit codes:"));
        Set<Integer> seen = new HashSet<>();
        for (VaeforgeException.Code c : VaeforgeException.Code.values()) {
            int status = ExitCodes.of(c);
            assertTrue(seen.add(status), c + " shares exit status " + status);
            assertTrue(status > ExitCodes.UNEXPECTED, c + ": " + status);
            assertTrue(Pattern.compile("(?m)^\\s+" + status + "\\s+\\S").matcher(list).find(),
                    "--help lists no exit status " + status + " (" + c + "):\n" + list);
        }
        assertEquals(ExitCodes.of(VaeforgeException.Code.BAD_INPUT), ExitCodes.USAGE);
    }

    @Test
    void todaysNumbersStay() {
        assertEquals(2, ExitCodes.of(VaeforgeException.Code.BAD_INPUT));
        assertEquals(3, ExitCodes.of(VaeforgeException.Code.BAD_BUNDLE));
        assertEquals(4, ExitCodes.of(VaeforgeException.Code.BAD_RUN));
        assertEquals(5, ExitCodes.of(VaeforgeException.Code.DEVICE));
        assertEquals(6, ExitCodes.of(VaeforgeException.Code.PARITY));
        assertEquals(7, ExitCodes.of(VaeforgeException.Code.IO));
        assertEquals(8, ExitCodes.of(VaeforgeException.Code.TRAINING));
        assertEquals(9, ExitCodes.of(VaeforgeException.Code.UNSUPPORTED));
    }

    @Command(name = "fail")
    static final class Failing implements Callable<Integer> {
        @Override
        public Integer call() {
            throw VaeforgeException.badParameter("steps must be >= 2, got 1; see steps-per-epoch", "steps");
        }
    }

    @Test
    void theErrorPrinterShowsParametersAsFlags() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        cmd.addSubcommand(new Failing());
        cmd.setErr(new PrintWriter(err, true)); // registers the writer with the subcommand added after
        assertEquals(2, cmd.execute("fail"));
        assertEquals("vaeforge: --steps must be >= 2, got 1; see steps-per-epoch", err.toString().trim());
    }
}
