package dev.vaeforge.cli;

import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.bundle.Bundle;
import dev.vaeforge.runtime.bundle.BundleArchive;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.runtime.model.Priors;
import dev.vaeforge.runtime.session.BundleSessions;
import dev.vaeforge.runtime.session.Device;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Verify a bundle (hashes, graph signatures) and show its family label, shapes, latent and prior, graphs"
                + " with their tensor roles, parity and provenance.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "Bundle directory or BUNDLE.zip.")
    Path bundle;

    @Option(names = "--json", description = "Print manifest.json instead of the summary.")
    boolean json;

    @Override
    public Integer call() {
        try (BundleArchive.Opened opened = BundleArchive.open(bundle)) {
            return print(opened.bundle());
        }
    }

    private int print(Bundle b) {
        try (BundleSessions ignored = new BundleSessions(b, Device.CPU)) {
            // opening sessions checks every graph's real signature against the manifest
        }
        PrintWriter out = spec.commandLine().getOut();
        Manifest m = b.manifest();
        if (json) {
            out.print(Json.write(m));
            return 0;
        }
        out.printf("bundle      %s (verified: sha256 and graph signatures)%n", bundle);
        out.printf("format      %s v%d, id %s, created %s%n", m.format(), m.formatVersion(), m.id(), m.createdAt());
        out.printf("family      %s%n", m.family() == null ? "none (a label only; the runtime reads roles)" : m.family());
        out.printf("image       %dx%dx%d (CxHxW), pixels in [%s, %s]%n", m.image().channels(), m.image().height(),
                m.image().width(), fmt(m.image().pixelRange()[0]), fmt(m.image().pixelRange()[1]));
        out.printf("likelihood  %s%n", likelihood(m.likelihood()));
        out.printf("latent      %s; prior %s%s%n", latent(m.latent()), m.prior().type(),
                m.prior().file() == null ? "" : " (" + m.prior().file() + ")");
        out.printf("sampling    %s%n", Priors.description(b));
        if (m.conditioning() != null) {
            // the reader has validated it; the indices are what --label takes
            out.printf("condition   %s: y[N,%d] in both graphs%n", ConditionSpec.of(m.conditioning()).describe(),
                    m.conditioning().names().size());
        }
        out.printf("opset       %d%n", m.opset());
        out.printf("precision   %s%n", m.precision());
        if (m.quantization() != null) {
            QuantizeOptions.print(out, m.quantization());
        }
        out.println("graphs");
        for (Map.Entry<String, Manifest.Graph> e : m.graphs().entrySet()) {
            Manifest.Graph g = e.getValue();
            out.printf("  %-13s %s  sha256 %s%n", e.getKey(), g.file(), g.sha256().substring(0, 16) + "...");
            out.printf("    inputs    %s%n", g.inputs());
            out.printf("    outputs   %s%n", g.outputs());
            out.printf("    roles     %s -> %s%n", roles(g.inputs()), roles(g.outputs()));
            out.printf("    layers    %s%n", layers(b, e.getKey()));
        }
        if (m.parity() != null) {
            out.printf("parity      max |ORT - DJL| %s on %d random inputs (tolerance %s)%n", m.parity().maxAbsError(),
                    m.parity().batch(), m.parity().tolerance());
        }
        if (m.golden() != null) {
            out.printf("golden      batch %d, seed %d, graphs %s; computed on %s (%s), ONNX Runtime %s (vaeforge verify)%n",
                    m.golden().batch(), m.golden().seed(), m.golden().graphs().keySet(), m.golden().device(),
                    m.golden().platform(), m.golden().onnxRuntime());
        } else {
            out.println("golden      none (written before golden tensors; vaeforge verify cannot check it)");
        }
        Manifest.Provenance p = m.provenance();
        if (p != null && p.imported() != null) {
            printImported(out, p);
        } else if (p != null) {
            out.println("provenance");
            out.printf("  dataset   %s (fingerprint %s)%n", p.dataset(), p.datasetFingerprint());
            out.printf("  training  %d epochs, %d steps, seed %d%n", p.epochs(), p.steps(), p.seed());
            if (p.finalMetrics() != null) {
                out.printf("  metrics   %s%n", p.finalMetrics());
            }
            out.printf("  versions  %s; Java %s on %s/%s%n", p.versions(), p.java(), p.os(), p.arch());
            if (p.runDirectory() != null) {
                out.printf("  run       %s%n", p.runDirectory());
            }
        }
        return 0;
    }

    private static void printImported(PrintWriter out, Manifest.Provenance p) {
        Manifest.Imported imp = p.imported();
        out.println("provenance  imported (" + imp.tool() + "), not trained by vaeforge");
        for (Map.Entry<String, Manifest.Imported.Source> e : imp.sources().entrySet()) {
            Manifest.Imported.Source s = e.getValue();
            out.printf("  %-11s %s, %d bytes, sha256 %s, %s, opset %s%n", e.getKey(), s.file(), s.bytes(), s.sha256(),
                    s.producer() == null ? "no producer named" : s.producer(), s.opset());
        }
        if (imp.options() != null && !imp.options().isEmpty()) {
            out.printf("  options   %s%n", imp.options());
        }
        for (Map.Entry<String, String> e : imp.bindings().entrySet()) {
            out.printf("  bound     %s = %s%n", e.getKey(), e.getValue());
        }
        for (Manifest.Imported.Probe pr : imp.probes()) {
            out.printf("  probe     %s, batch %d: %s -> %s%n", pr.graph(), pr.batch(), pr.inputs(), pr.outputs());
        }
        out.printf("  versions  %s; Java %s on %s/%s%n", p.versions(), p.java(), p.os(), p.arch());
    }

    static String likelihood(Manifest.Likelihood l) {
        return l.type() + (l.sigma() == null ? "" : " (sigma " + l.sigma() + ")");
    }

    /** "gaussian [10]", or "grid 4x4 of 64 codes, dim 16" for a latent grid of codes. */
    static String latent(Manifest.Latent l) {
        if (l.hierarchical()) {
            return "levels " + l.levels().stream().map(v -> v.name() + " [" + v.shape()[0] + "]")
                    .collect(java.util.stream.Collectors.joining(" over ")) + " (top first), inference " + l.inference();
        }
        long[] s = l.shape();
        return l.codes() ? "grid " + s[0] + "x" + s[1] + " of " + l.codebookSize() + " codes, dim " + l.codeDim()
                : l.kind() + " " + java.util.Arrays.toString(s).replace(" ", "")
                + (l.scale() == null ? "" : ", scale " + l.scale() + " (the runtime's latent is scale times the graphs')");
    }

    /** "x=image, y=condition", a reconstruction with its value kind: "x_hat=reconstruction (logits)". */
    private static String roles(java.util.List<TensorSpec> tensors) {
        return tensors.stream().map(t -> t.name() + "=" + t.role() + (t.level() == null ? "" : "@" + t.level())
                        + (t.values() == null ? "" : " (" + t.values() + ")"))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** The graph's weighted layers (the names quantize --keep-fp32 takes), with their ops. */
    private static String layers(Bundle b, String role) {
        try {
            java.util.List<String> names = new java.util.ArrayList<>();
            for (var l : dev.vaeforge.runtime.quantize.QdqGraph.weightedLayers(role,
                    dev.vaeforge.runtime.onnx.OnnxModels.read(b.directory().resolve(b.manifest().graphs().get(role).file())))) {
                names.add(l.name() + " (" + l.op() + ")");
            }
            return names.isEmpty() ? "none with weights" : String.join(", ", names);
        } catch (java.io.IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }
}
