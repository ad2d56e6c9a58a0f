package dev.vaeforge.runtime.importer;

import static dev.vaeforge.runtime.importer.ForeignGraph.refuse;

import dev.vaeforge.runtime.bundle.BundleFormat;
import dev.vaeforge.runtime.bundle.BundleReader;
import dev.vaeforge.runtime.bundle.BundleWriter;
import dev.vaeforge.runtime.bundle.GoldenRecorder;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.onnx.Versions;
import dev.vaeforge.runtime.session.BundleSessions;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code vaeforge import}: writes a format-2 bundle around graphs another tool exported (PyTorch's
 * {@code torch.onnx.export}, ...). Each graph is loaded as the runtime would load it ({@link ForeignGraph}),
 * its tensors get their roles ({@link Bindings}), batches of 2 and 3 go through the chain ({@link Probes}),
 * dynamic non-batch dimensions are pinned to what the probes saw ({@link ShapePins}), and the bundle is
 * written with golden tensors and provenance naming the source files and their hashes, then reopened by the
 * runtime's own reader. Anything that would make the bundle unusable or unverifiable is refused, naming the
 * graph and the reason; nothing is written then.
 */
public final class Importer {
    private Importer() {
    }

    /** The written bundle, and the lines that describe what was decided (bindings, probes) for the user. */
    public record Result(Path bundle, Manifest manifest, List<String> notes) {
    }

    public static Result run(ImportOptions o, Path out, boolean overwrite) {
        Map<GraphRole, ForeignGraph> graphs = new EnumMap<>(GraphRole.class);
        try {
            graphs.put(GraphRole.ENCODER, ForeignGraph.load(GraphRole.ENCODER, o.encoder()));
            if (o.quantizer() != null) {
                graphs.put(GraphRole.QUANTIZER, ForeignGraph.load(GraphRole.QUANTIZER, o.quantizer()));
            }
            graphs.put(GraphRole.DECODER, ForeignGraph.load(GraphRole.DECODER, o.decoder()));
            return build(o, graphs, out, overwrite);
        } finally {
            graphs.values().forEach(ForeignGraph::close);
        }
    }

    private static Result build(ImportOptions o, Map<GraphRole, ForeignGraph> graphs, Path out, boolean overwrite) {
        boolean codes = graphs.containsKey(GraphRole.QUANTIZER);
        Bindings b = Bindings.of(o, graphs.get(GraphRole.ENCODER), graphs.get(GraphRole.DECODER),
                graphs.get(GraphRole.QUANTIZER));
        checkBatchAxes(graphs, b);
        TensorSpec image = find(b.inputs.get(GraphRole.ENCODER), TensorRole.IMAGE);
        long[] imageShape = image.shape();
        for (int i = 1; i < imageShape.length; i++) {
            if (imageShape[i] < 0) {
                throw refuse(graphs.get(GraphRole.ENCODER).describe() + ": input '" + image.name() + "' " + image.shapeText()
                        + " has a dynamic dimension " + i + "; import needs the image size fixed in the graph"
                        + " (re-export with dynamic_axes on the batch axis only)");
            }
        }
        double[] range = pixelRange(o, b);
        Manifest.Likelihood likelihood = likelihood(o, b);
        Probes probes = new Probes(b, graphs, range, imageShape);
        probes.run(o.goldenSeed());

        Map<GraphRole, byte[]> bytes = new EnumMap<>(GraphRole.class);
        Map<String, Manifest.Graph> specs = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (GraphRole role : List.of(GraphRole.ENCODER, GraphRole.QUANTIZER, GraphRole.DECODER)) {
            ForeignGraph g = graphs.get(role);
            if (g == null) {
                continue;
            }
            ShapePins pins = ShapePins.of(g, b.inputs.get(role), b.outputs.get(role), probes.observed);
            bytes.put(role, pins.bytes());
            specs.put(role.key(), new Manifest.Graph(null, null, pins.inputs(), pins.outputs()));
            pins.note().ifPresent(n -> b.explained.put(role.key() + ".pinned", n));
        }
        Manifest.Latent latent = latent(graphs, specs, codes).withScale(o.latentScale());
        Manifest.Image img = new Manifest.Image(Math.toIntExact(imageShape[1]), Math.toIntExact(imageShape[2]),
                Math.toIntExact(imageShape[3]), range);
        Manifest manifest = new Manifest(BundleFormat.FORMAT, BundleFormat.VERSION, UUID.randomUUID().toString(),
                Instant.now().toString(), null, img, likelihood, latent, null,
                new Manifest.Prior(codes ? Manifest.Prior.CODES_UNIFORM : Manifest.Prior.STANDARD_NORMAL),
                opset(graphs), specs, null, provenance(o, graphs, b, probes));
        GoldenRecorder.Recorded golden = GoldenRecorder.record(manifest, bytes, o.goldenSeed());
        Manifest written = BundleWriter.write(out, manifest.withGolden(golden.golden()), bytes, golden.files(), overwrite);
        try (BundleSessions ignored = new BundleSessions(BundleReader.open(out), Device.CPU)) {
            // reopened the way a runtime elsewhere opens it: hashes, roles, shapes, signatures
        }
        b.explained.forEach((k, v) -> notes.add(k + " = " + v));
        return new Result(out, written, notes);
    }

    /** Every batched tensor's first axis is dynamic (a codebook [K, D] has no batch axis). */
    private static void checkBatchAxes(Map<GraphRole, ForeignGraph> graphs, Bindings b) {
        for (Map.Entry<GraphRole, ForeignGraph> e : graphs.entrySet()) {
            List<TensorSpec> all = new ArrayList<>(b.inputs.get(e.getKey()));
            all.addAll(b.outputs.get(e.getKey()));
            for (TensorSpec t : all) {
                if (TensorRole.CODEBOOK.equals(t.role())) {
                    continue;
                }
                long[] s = t.shape();
                if (s.length == 0 || s[0] >= 0) {
                    throw refuse(e.getValue().describe() + ": tensor '" + t.name() + "' " + Arrays.toString(s).replace(" ", "")
                            + " has a fixed batch dimension" + (s.length == 0 ? " (it is a scalar)" : " of " + s[0])
                            + "; the runtime batches images, so the first axis must be dynamic (torch.onnx.export(...,"
                            + " dynamic_axes={'" + t.name() + "': {0: 'N'}}))");
                }
            }
        }
    }

    private static double[] pixelRange(ImportOptions o, Bindings b) {
        if (b.decoderOutput.equals("tanh")) {
            if (o.pixelRange() != null && !Arrays.equals(o.pixelRange(), new double[] {-1, 1})) {
                throw refuse("--decoder-output tanh gives pixels in [-1, 1], which contradicts --pixel-range "
                        + o.pixelRange()[0] + ":" + o.pixelRange()[1] + "; use --decoder-output pixels for another range");
            }
            return new double[] {-1, 1};
        }
        if (b.decoderOutput.equals("pixels") && o.pixelRange() == null) {
            throw refuse("the decoder outputs pixels; say their range with --pixel-range LO:HI (0:1 or -1:1)");
        }
        return o.pixelRange() == null ? new double[] {0, 1} : o.pixelRange();
    }

    /** Bernoulli goes with probabilities or logits; a decoder of pixels needs --likelihood said. */
    private static Manifest.Likelihood likelihood(ImportOptions o, Bindings b) {
        if (o.likelihood() != null) {
            return o.likelihood();
        }
        if (b.decoderOutput.equals("probabilities") || b.decoderOutput.equals("logits")) {
            b.explained.put("likelihood", "bernoulli (inferred: the decoder gives " + b.decoderOutput + ")");
            return new Manifest.Likelihood("bernoulli", null);
        }
        throw refuse("the decoder outputs pixels (" + b.decoderOutput + "); say which likelihood it was trained with:"
                + " --likelihood gaussian:SIGMA or --likelihood bernoulli");
    }

    private static Manifest.Latent latent(Map<GraphRole, ForeignGraph> graphs, Map<String, Manifest.Graph> specs,
                                          boolean codes) {
        Manifest.Graph enc = specs.get(GraphRole.ENCODER.key());
        if (codes) {
            long[] ze = enc.output(TensorRole.LATENT_UNQUANTIZED).orElseThrow().shape();
            Manifest.Graph q = specs.get(GraphRole.QUANTIZER.key());
            long[] codebook = q.output(TensorRole.CODEBOOK).orElseThrow().shape();
            if (codebook[1] != ze[1]) {
                throw refuse("shapes do not chain: the quantizer's codebook is [" + codebook[0] + "," + codebook[1]
                        + "], codes of dimension " + codebook[1] + ", but the encoder's z_e has " + ze[1] + " channels");
            }
            return Manifest.Latent.codes(Math.toIntExact(ze[2]), Math.toIntExact(ze[3]), Math.toIntExact(ze[1]),
                    Math.toIntExact(codebook[0]));
        }
        long[] s = enc.output(TensorRole.LATENT_MEAN).map(TensorSpec::shape).orElse(null);
        if (s == null) {
            s = enc.output(TensorRole.LATENT_MOMENTS).orElseThrow().shape();
            s[1] /= 2;
        } else {
            long[] logvar = enc.output(TensorRole.LATENT_LOGVAR).orElseThrow().shape();
            if (!Arrays.equals(s, logvar)) {
                throw refuse(graphs.get(GraphRole.ENCODER).describe() + ": the mean is " + Probes.itemShape(s)
                        + " per item but the log-variance " + Probes.itemShape(logvar) + "; they must match");
            }
        }
        long[] item = Arrays.copyOfRange(s, 1, s.length);
        if (item.length != 1 && item.length != 3) {
            throw refuse(graphs.get(GraphRole.ENCODER).describe() + ": the latent is " + Probes.itemShape(s)
                    + " per item; the runtime takes Gaussian latents [D] or [C,h,w]");
        }
        return Manifest.Latent.gaussian(item);
    }

    private static int opset(Map<GraphRole, ForeignGraph> graphs) {
        int max = 0;
        for (ForeignGraph g : graphs.values()) {
            Integer v = g.opset();
            max = Math.max(max, v == null ? 0 : v);
        }
        return max;
    }

    private static Manifest.Provenance provenance(ImportOptions o, Map<GraphRole, ForeignGraph> graphs, Bindings b,
                                                  Probes probes) {
        Map<String, Manifest.Imported.Source> sources = new LinkedHashMap<>();
        for (ForeignGraph g : graphs.values()) {
            sources.put(g.role.key(), new Manifest.Imported.Source(g.file.getFileName().toString(), g.sha256(),
                    g.bytes.length, g.producer(), g.opset()));
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (!o.bind().isEmpty()) {
            options.put("bind", o.bind().toString());
        }
        if (o.momentsConcat()) {
            options.put("moments", "concat");
        }
        if (o.decoderOutput() != null) {
            options.put("decoder-output", o.decoderOutput());
        }
        if (o.pixelRange() != null) {
            options.put("pixel-range", o.pixelRange()[0] + ":" + o.pixelRange()[1]);
        }
        if (o.likelihood() != null) {
            options.put("likelihood", o.likelihood().type() + (o.likelihood().sigma() == null ? "" : ":" + o.likelihood().sigma()));
        }
        if (o.latentScale() != null) {
            options.put("latent-scale", o.latentScale().toString());
        }
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("vaeforge", Versions.vaeforge());
        versions.put("onnxruntime", Versions.onnxRuntime());
        Manifest.Imported imported = new Manifest.Imported("vaeforge import", sources, new LinkedHashMap<>(b.explained),
                options, probes.runs);
        return new Manifest.Provenance(null, null, null, 0, 0, null, o.goldenSeed(), versions,
                System.getProperty("java.version"), System.getProperty("os.name"), System.getProperty("os.arch"), null,
                imported);
    }

    static TensorSpec find(List<TensorSpec> specs, String role) {
        return specs.stream().filter(t -> role.equals(t.role())).findFirst().orElseThrow();
    }
}
