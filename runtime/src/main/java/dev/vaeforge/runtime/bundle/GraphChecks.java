package dev.vaeforge.runtime.bundle;

import static dev.vaeforge.runtime.bundle.BundleReader.fail;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.io.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The structural checks of a manifest's "graphs": known roles, safe file names and hashes, a role on
 * every tensor, and for each graph the tensor roles its job needs, with shapes that agree with the
 * manifest's image and latent. Each failure names manifest.json and the field.
 */
final class GraphChecks {
    private final Path dir;
    private final Path file;
    private final Manifest m;

    private GraphChecks(Path dir, Path file, Manifest m) {
        this.dir = dir;
        this.file = file;
        this.m = m;
    }

    static void check(Path dir, Path file, Manifest m) {
        new GraphChecks(dir, file, m).run();
    }

    private void run() {
        Map<String, Manifest.Graph> graphs = m.graphs() == null ? Map.of() : m.graphs();
        if (graphs.isEmpty()) {
            throw fail(file + ": field 'graphs' lists no graphs");
        }
        for (Map.Entry<String, Manifest.Graph> e : graphs.entrySet()) {
            GraphRole role = GraphRole.fromKey(e.getKey()).orElseThrow(() -> fail(file + ": field 'graphs' has an unknown"
                    + " graph '" + e.getKey() + "'; expected one of " + Arrays.stream(GraphRole.values()).map(GraphRole::key).toList()));
            if (e.getValue() == null) {
                throw fail(file + ": field 'graphs." + role.key() + "' is empty");
            }
            checkFile(role, e.getValue());
            checkRoles(role, e.getValue());
        }
        boolean codes = m.latent().codes();
        Manifest.Graph decoder = graphs.get(GraphRole.DECODER.key());
        if (decoder == null) {
            throw fail(file + ": field 'graphs' has no 'decoder' graph; every bundle needs one");
        }
        checkDecoder(decoder, codes);
        Manifest.Graph encoder = graphs.get(GraphRole.ENCODER.key());
        Manifest.Graph topDown = graphs.get(GraphRole.TOP_DOWN.key());
        if (m.latent().hierarchical()) {
            if (encoder != null) {
                checkLevelEncoder(encoder);
            }
            if (topDown == null) {
                throw fail(file + ": field 'graphs' has no 'top_down' graph, which a latent of kind levels needs (the "
                        + "conditional prior of its lower level)");
            }
            checkTopDown(topDown);
        } else {
            if (topDown != null) {
                throw fail(file + ": field 'graphs.top_down': a top-down graph needs a latent of kind levels, the latent is "
                        + m.latent().kind());
            }
            if (encoder != null) {
                checkEncoder(encoder, codes);
            }
        }
        Manifest.Graph quantizer = graphs.get(GraphRole.QUANTIZER.key());
        if (codes && quantizer == null) {
            throw fail(file + ": field 'graphs' has no 'quantizer' graph, which a latent of kind codes needs (its codebook)");
        }
        if (quantizer != null) {
            if (!codes) {
                throw fail(file + ": field 'graphs.quantizer': a quantizer needs a latent of kind codes, the latent is "
                        + m.latent().kind());
            }
            checkQuantizer(quantizer);
        }
        Manifest.Graph discriminator = graphs.get(GraphRole.DISCRIMINATOR.key());
        if (discriminator != null) {
            checkDiscriminator(discriminator);
        }
        checkPriorGraphs(graphs);
        Manifest.Graph flow = graphs.get(GraphRole.POSTERIOR_FLOW.key());
        if (flow != null) {
            checkPosteriorFlow(flow, encoder, codes);
        }
    }

    /**
     * A prior of type graphs has both prior graphs, over the Gaussian latent: prior_sample noise[N, size]
     * -> latent[N, size] and prior_log_prob latent[N, size] -> log-prob[N]; a bundle with either graph has
     * that prior type.
     */
    private void checkPriorGraphs(Map<String, Manifest.Graph> graphs) {
        Manifest.Graph sample = graphs.get(GraphRole.PRIOR_SAMPLE.key());
        Manifest.Graph logProb = graphs.get(GraphRole.PRIOR_LOG_PROB.key());
        boolean typed = Manifest.Prior.GRAPHS.equals(m.prior().type());
        if (!typed) {
            if (sample != null || logProb != null) {
                throw fail(file + ": field 'graphs." + (sample != null ? GraphRole.PRIOR_SAMPLE : GraphRole.PRIOR_LOG_PROB).key()
                        + "': the prior graphs need field 'prior.type' " + Manifest.Prior.GRAPHS + ", got '"
                        + m.prior().type() + "'");
            }
            return;
        }
        for (GraphRole role : java.util.List.of(GraphRole.PRIOR_SAMPLE, GraphRole.PRIOR_LOG_PROB)) {
            if (!graphs.containsKey(role.key())) {
                throw fail(file + ": field 'graphs' has no '" + role.key() + "' graph, which prior type "
                        + Manifest.Prior.GRAPHS + " needs (prior_sample and prior_log_prob)");
            }
        }
        String f = "graphs." + GraphRole.PRIOR_SAMPLE.key();
        inputsOnly(sample, f, TensorRole.NOISE);
        expect(f + ".inputs", required(sample.input(TensorRole.NOISE).orElse(null), f + ".inputs", TensorRole.NOISE),
                "float32", latentShape());
        expect(f + ".outputs", required(sample.output(TensorRole.LATENT).orElse(null), f + ".outputs", TensorRole.LATENT),
                "float32", latentShape());
        f = "graphs." + GraphRole.PRIOR_LOG_PROB.key();
        inputsOnly(logProb, f, TensorRole.LATENT);
        expect(f + ".inputs", required(logProb.input(TensorRole.LATENT).orElse(null), f + ".inputs", TensorRole.LATENT),
                "float32", latentShape());
        expect(f + ".outputs", required(logProb.output(TensorRole.LOG_PROB).orElse(null), f + ".outputs",
                TensorRole.LOG_PROB), "float32", new long[] {-1});
    }

    /**
     * A flow posterior: z_0 (the latent's shape) and the encoder's context in, z_K and log det out; the
     * latent a vector and the encoder there with a context output of the same shape.
     */
    private void checkPosteriorFlow(Manifest.Graph g, Manifest.Graph encoder, boolean codes) {
        String f = "graphs.posterior_flow";
        if (codes || encoder == null) {
            throw fail(file + ": field '" + f + "': a flow posterior needs an encoder and a Gaussian latent vector"
                    + (codes ? ", the latent is " + m.latent().kind() : "; the bundle has no encoder"));
        }
        inputsOnly(g, f, TensorRole.LATENT_BASE, TensorRole.POSTERIOR_CONTEXT);
        expect(f + ".inputs", required(g.input(TensorRole.LATENT_BASE).orElse(null), f + ".inputs",
                TensorRole.LATENT_BASE), "float32", latentShape());
        TensorSpec context = required(g.input(TensorRole.POSTERIOR_CONTEXT).orElse(null), f + ".inputs",
                TensorRole.POSTERIOR_CONTEXT);
        TensorSpec emitted = required(encoder.output(TensorRole.POSTERIOR_CONTEXT).orElse(null), "graphs.encoder.outputs",
                TensorRole.POSTERIOR_CONTEXT);
        if (context.shape().length != 2 || context.shape()[0] != -1 || context.shape()[1] < 1) {
            throw fail(file + ": field '" + f + ".inputs' tensor " + context + " (role " + TensorRole.POSTERIOR_CONTEXT
                    + ") must be float32[N,C]");
        }
        expect("graphs.encoder.outputs", emitted, "float32", context.shape());
        expect(f + ".inputs", context, "float32", context.shape());
        expect(f + ".outputs", required(g.output(TensorRole.LATENT).orElse(null), f + ".outputs", TensorRole.LATENT),
                "float32", latentShape());
        expect(f + ".outputs", required(g.output(TensorRole.LOG_DET).orElse(null), f + ".outputs", TensorRole.LOG_DET),
                "float32", new long[] {-1});
    }

    private void checkEncoder(Manifest.Graph g, boolean codes) {
        String f = "graphs.encoder";
        // a code grid's encoder and quantizer see the image only; a condition may enter its decoder
        if (codes) {
            inputsOnly(g, f, TensorRole.IMAGE);
        } else {
            inputsOnly(g, f, TensorRole.IMAGE, TensorRole.CONDITION);
        }
        expect(f + ".inputs", required(g.input(TensorRole.IMAGE).orElse(null), f + ".inputs", TensorRole.IMAGE),
                "float32", imageShape());
        if (codes) {
            expect(f + ".outputs", required(g.output(TensorRole.LATENT_UNQUANTIZED).orElse(null), f + ".outputs",
                    TensorRole.LATENT_UNQUANTIZED), "float32", gridShape());
            return;
        }
        if (g.output(TensorRole.LATENT_MOMENTS).isPresent()) {
            long[] s = latentShape();
            s[1] *= 2;
            expect(f + ".outputs", g.output(TensorRole.LATENT_MOMENTS).get(), "float32", s);
            return;
        }
        if (g.output(TensorRole.LATENT_MEAN).isEmpty() || g.output(TensorRole.LATENT_LOGVAR).isEmpty()) {
            throw fail(file + ": field '" + f + ".outputs' needs tensors with roles " + TensorRole.LATENT_MEAN + " and "
                    + TensorRole.LATENT_LOGVAR + ", or one with role " + TensorRole.LATENT_MOMENTS);
        }
        expect(f + ".outputs", g.output(TensorRole.LATENT_MEAN).get(), "float32", latentShape());
        expect(f + ".outputs", g.output(TensorRole.LATENT_LOGVAR).get(), "float32", latentShape());
    }

    /** A levels latent's encoder: the image in, latent-mean and latent-logvar of every level out. */
    private void checkLevelEncoder(Manifest.Graph g) {
        String f = "graphs.encoder";
        inputsOnly(g, f, TensorRole.IMAGE);
        expect(f + ".inputs", required(g.input(TensorRole.IMAGE).orElse(null), f + ".inputs", TensorRole.IMAGE),
                "float32", imageShape());
        for (Manifest.Latent level : m.latent().levels()) {
            for (String role : List.of(TensorRole.LATENT_MEAN, TensorRole.LATENT_LOGVAR)) {
                expect(f + ".outputs", required(g.output(role, level.name()).orElse(null), f + ".outputs",
                        role + "' at level '" + level.name()), "float32", levelShape(level));
            }
        }
    }

    /** top_down: the top level's latent in, the conditional prior of the bottom level out. */
    private void checkTopDown(Manifest.Graph g) {
        String f = "graphs.top_down";
        Manifest.Latent top = m.latent().levels().get(0);
        Manifest.Latent bottom = m.latent().bottom();
        for (TensorSpec t : g.inputs()) {
            if (!TensorRole.LATENT.equals(t.role()) || !top.name().equals(t.level())) {
                throw fail(file + ": field '" + f + ".inputs' tensor '" + t.name() + "' has role '" + t.role() + "' at level "
                        + quoted(t.level()) + "; the runtime feeds this graph the latent of level '" + top.name() + "' only");
            }
        }
        expect(f + ".inputs", required(g.input(TensorRole.LATENT, top.name()).orElse(null), f + ".inputs",
                TensorRole.LATENT + "' at level '" + top.name()), "float32", levelShape(top));
        for (String role : List.of(TensorRole.PRIOR_MEAN, TensorRole.PRIOR_LOGVAR)) {
            expect(f + ".outputs", required(g.output(role, bottom.name()).orElse(null), f + ".outputs",
                    role + "' at level '" + bottom.name()), "float32", levelShape(bottom));
        }
    }

    private static long[] levelShape(Manifest.Latent level) {
        return new long[] {-1, level.shape()[0]};
    }

    private void checkDecoder(Manifest.Graph g, boolean codes) {
        String f = "graphs.decoder";
        String latentRole = codes ? TensorRole.LATENT_QUANTIZED : TensorRole.LATENT;
        inputsOnly(g, f, latentRole, TensorRole.CONDITION);
        if (m.latent().hierarchical()) {
            Manifest.Latent bottom = m.latent().bottom();
            expect(f + ".inputs", required(g.input(latentRole, bottom.name()).orElse(null), f + ".inputs",
                    latentRole + "' at level '" + bottom.name()), "float32", levelShape(bottom));
        } else {
            expect(f + ".inputs", required(g.input(latentRole).orElse(null), f + ".inputs", latentRole), "float32",
                    codes ? gridShape() : latentShape());
        }
        TensorSpec out = required(g.output(TensorRole.RECONSTRUCTION).orElse(null), f + ".outputs", TensorRole.RECONSTRUCTION);
        expect(f + ".outputs", out, "float32", imageShape());
        if (!TensorRole.RECONSTRUCTION_VALUES.contains(out.values())) {
            throw fail(file + ": field '" + f + ".outputs' tensor '" + out.name() + "' (role reconstruction) needs 'values'"
                    + " one of " + TensorRole.RECONSTRUCTION_VALUES + ", got " + quoted(out.values()));
        }
    }

    private void checkQuantizer(Manifest.Graph g) {
        String f = "graphs.quantizer";
        inputsOnly(g, f, TensorRole.LATENT_UNQUANTIZED);
        expect(f + ".inputs", required(g.input(TensorRole.LATENT_UNQUANTIZED).orElse(null), f + ".inputs",
                TensorRole.LATENT_UNQUANTIZED), "float32", gridShape());
        long[] grid = m.latent().shape();
        expect(f + ".outputs", required(g.output(TensorRole.CODE_INDICES).orElse(null), f + ".outputs",
                TensorRole.CODE_INDICES), "int64", new long[] {-1, grid[0], grid[1]});
        expect(f + ".outputs", required(g.output(TensorRole.LATENT_QUANTIZED).orElse(null), f + ".outputs",
                TensorRole.LATENT_QUANTIZED), "float32", gridShape());
        expect(f + ".outputs", required(g.output(TensorRole.CODEBOOK).orElse(null), f + ".outputs", TensorRole.CODEBOOK),
                "float32", new long[] {m.latent().codebookSize(), m.latent().codeDim()});
    }

    private void checkDiscriminator(Manifest.Graph g) {
        String f = "graphs.discriminator";
        inputsOnly(g, f, TensorRole.IMAGE);
        expect(f + ".inputs", required(g.input(TensorRole.IMAGE).orElse(null), f + ".inputs", TensorRole.IMAGE),
                "float32", imageShape());
        TensorSpec logit = required(g.output(TensorRole.LOGIT).orElse(null), f + ".outputs", TensorRole.LOGIT);
        long[] s = logit.shape();
        if (!"float32".equals(logit.dtype()) || !(Arrays.equals(s, new long[] {-1}) || Arrays.equals(s, new long[] {-1, 1}))) {
            throw fail(file + ": field '" + f + ".outputs' tensor " + logit + " (role logit) must be float32[N] or"
                    + " float32[N,1]");
        }
        g.output(TensorRole.FEATURES).ifPresent(t -> {
            if (!"float32".equals(t.dtype()) || t.shape().length < 2 || t.shape()[0] != -1) {
                throw fail(file + ": field '" + f + ".outputs' tensor " + t + " (role features) must be float32[N,...]");
            }
        });
    }

    /** Every input of a graph is one the runtime can feed, each role at most once. */
    private void inputsOnly(Manifest.Graph g, String field, String... roles) {
        List<String> allowed = List.of(roles);
        for (TensorSpec t : g.inputs()) {
            if (!allowed.contains(t.role())) {
                throw fail(file + ": field '" + field + ".inputs' tensor '" + t.name() + "' has role '" + t.role()
                        + "', which the runtime cannot feed to this graph (expected " + allowed + ")");
            }
        }
    }

    /** A role on every tensor, each one of {@link TensorRole#ALL}, no role twice on one side. */
    private void checkRoles(GraphRole role, Manifest.Graph g) {
        for (String side : List.of("inputs", "outputs")) {
            List<TensorSpec> tensors = side.equals("inputs") ? g.inputs() : g.outputs();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < tensors.size(); i++) {
                TensorSpec t = tensors.get(i);
                String field = "graphs." + role.key() + "." + side + "[" + i + "].role";
                if (t.role() == null) {
                    throw fail(file + ": field '" + field + "' is missing (tensor '" + t.name() + "')");
                }
                if (!TensorRole.ALL.contains(t.role())) {
                    throw fail(file + ": field '" + field + "' is '" + t.role() + "', expected one of " + TensorRole.ALL);
                }
                if (!seen.add(t.role() + (t.level() == null ? "" : "@" + t.level()))) {
                    throw fail(file + ": field '" + field + "': role '" + t.role() + "'"
                            + (t.level() == null ? "" : " at level '" + t.level() + "'") + " appears twice in graph '"
                            + role.key() + "' " + side);
                }
            }
        }
    }

    private TensorSpec required(TensorSpec t, String field, String role) {
        if (t == null) {
            throw fail(file + ": field '" + field + "' has no tensor with role '" + role + "'");
        }
        return t;
    }

    private void expect(String field, TensorSpec t, String dtype, long[] shape) {
        TensorSpec want = new TensorSpec(t.name(), dtype, shape);
        if (!t.sameSignature(want)) {
            throw fail(file + ": field '" + field + "' tensor " + t + " (role " + t.role() + ") must be " + want
                    + " to agree with the manifest's image and latent");
        }
    }

    private long[] imageShape() {
        return new long[] {-1, m.image().channels(), m.image().height(), m.image().width()};
    }

    /** [-1, latent.shape...] of a Gaussian latent. */
    private long[] latentShape() {
        long[] s = m.latent().shape();
        long[] out = new long[s.length + 1];
        out[0] = -1;
        System.arraycopy(s, 0, out, 1, s.length);
        return out;
    }

    /** [-1, codeDim, h, w] of a code grid's continuous and quantised latents. */
    private long[] gridShape() {
        long[] s = m.latent().shape();
        return new long[] {-1, m.latent().codeDim(), s[0], s[1]};
    }

    private void checkFile(GraphRole role, Manifest.Graph g) {
        String name = g.file();
        if (name == null || name.isEmpty()) {
            throw fail(file + ": graph '" + role.key() + "' has no 'file'");
        }
        if (!ManifestChecks.plainFileName(name)) {
            throw fail(file + ": graph '" + role.key() + "' file name '" + name
                    + "' leaves the bundle directory; only plain file names are allowed");
        }
        Path f = dir.resolve(name);
        if (!Files.isRegularFile(f)) {
            throw fail(f + ": missing (listed in manifest.json as the " + role.key() + " graph)");
        }
        if (g.sha256() == null) {
            throw fail(file + ": graph '" + role.key() + "' has no sha256");
        }
        ManifestChecks.checkHash(f, g.sha256());
        if (g.inputs() == null || g.inputs().isEmpty() || g.outputs() == null || g.outputs().isEmpty()) {
            throw fail(file + ": graph '" + role.key() + "' must list its inputs and outputs");
        }
    }

    private static String quoted(String s) {
        return s == null ? "nothing" : "'" + s + "'";
    }

    static String sha256(Path f) {
        try {
            return Hashing.sha256(f);
        } catch (IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, f + ": cannot read (" + e.getMessage() + ")", e);
        }
    }
}
