package dev.vaeforge.cli;

import dev.vaeforge.runtime.metrics.lpips.LpipsStore;
import dev.vaeforge.runtime.session.Device;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "lpips", mixinStandardHelpOptions = true,
        description = {"Install LPIPS graphs so that evaluate, compare and demo compute LPIPS without flags. A graph "
                + "is checked (signature; identical images give 0, a blurred copy more than a slightly blurred one) "
                + "before it is copied into the store: -Dvaeforge.lpips.dir, else $VAEFORGE_LPIPS_DIR, else "
                + "$VAEFORGE_CACHE/lpips, else $XDG_CACHE_HOME/vaeforge/lpips, else ~/.cache/vaeforge/lpips. "
                + "scripts/export-lpips.py makes a graph from the official lpips package (docs/EVALUATION.md).",
                "Example: vaeforge lpips install lpips_alex.onnx"},
        subcommands = {LpipsCommand.Install.class, LpipsCommand.ListGraphs.class})
final class LpipsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Check an LPIPS ONNX graph and install it as the default; a graph that fails is refused and "
                    + "nothing is written.", "Example: vaeforge lpips install lpips_alex.onnx"})
    static final class Install implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "LPIPS graph: inputs a, b float32 [N,3,H,W] in [-1,1], output "
                + "d [N,1,1,1].")
        Path file;

        @Override
        public Integer call() {
            LpipsStore store = new LpipsStore(LpipsStore.defaultDir());
            LpipsStore.Entry e = store.install(file, Device.CPU);
            PrintWriter o = spec.commandLine().getOut();
            o.printf("installed LPIPS-%s (sha256 %s) from %s%n", e.backbone(), e.sha256(), e.source());
            o.printf("  sanity check: %s%n", e.sanity().describe());
            o.printf("  smallest image %dx%d (height x width); smaller images get LPIPS \"not computed\"%n",
                    e.minHeight(), e.minWidth());
            o.printf("  stored as %s%n", store.path(e).toAbsolutePath());
            o.println("  evaluate, compare and demo now compute LPIPS with it (--lpips-model FILE overrides, --no-lpips "
                    + "turns it off)");
            String env = LpipsAdapter.environment();
            if (env != null) {
                o.printf("  note: $%s=%s is set and takes precedence over the installed graph%n", LpipsAdapter.ENV, env);
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the installed LPIPS graphs; * marks "
            + "the default.")
    static final class ListGraphs implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            LpipsStore store = new LpipsStore(LpipsStore.defaultDir());
            PrintWriter o = spec.commandLine().getOut();
            List<LpipsStore.Entry> all = store.list();
            String def = store.defaultGraph().map(LpipsStore.Entry::sha256).orElse(null);
            o.printf("LPIPS store %s%n", store.dir().toAbsolutePath());
            if (all.isEmpty()) {
                o.println("  no graph installed; 'vaeforge lpips install FILE' installs one (docs/EVALUATION.md says how "
                        + "to get one)");
            }
            for (LpipsStore.Entry e : all) {
                o.printf("%s %-8s sha256 %s  min %dx%d  installed %s  from %s%n", e.sha256().equals(def) ? "*" : " ",
                        e.backbone(), e.sha256().substring(0, 12), e.minHeight(), e.minWidth(), e.installedAt(), e.source());
            }
            String env = LpipsAdapter.environment();
            if (env != null) {
                o.printf("$%s=%s is set: commands use it instead of the default%n", LpipsAdapter.ENV, env);
            }
            return 0;
        }
    }
}
