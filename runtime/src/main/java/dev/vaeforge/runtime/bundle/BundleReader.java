package dev.vaeforge.runtime.bundle;

import static dev.vaeforge.runtime.VaeforgeException.Code.BAD_BUNDLE;

import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.runtime.io.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Opens a bundle directory and trusts nothing: format and version, family, the exact graph set of
 * the family, safe file names, every file's sha256, and for conditional families the conditioning and
 * the width of the y input. Each failure is one specific message.
 */
public final class BundleReader {
    /** The name of the condition input of a conditional family's graphs. */
    public static final String Y_INPUT = "y";

    private BundleReader() {
    }

    public static Bundle open(Path dir) {
        if (!Files.exists(dir)) {
            throw fail(dir + ": no such bundle directory");
        }
        if (!Files.isDirectory(dir)) {
            throw fail(dir + ": not a directory (a bundle is a directory with " + BundleFormat.MANIFEST + ")");
        }
        Path manifestFile = dir.resolve(BundleFormat.MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw fail(dir + ": no " + BundleFormat.MANIFEST + " (not a vaeforge bundle)");
        }
        Manifest m = Json.read(manifestFile, Manifest.class, BAD_BUNDLE);
        checkHeader(manifestFile, m);
        ModelFamily family;
        try {
            family = ModelFamily.fromId(m.family());
        } catch (IllegalArgumentException e) {
            throw fail(manifestFile + ": " + e.getMessage());
        }
        checkShapes(manifestFile, m);
        checkLatent(dir, manifestFile, m, family);
        checkGraphSet(manifestFile, m, family);
        for (GraphRole role : family.graphs()) {
            checkGraphFile(dir, role, m.graphs().get(role.key()));
        }
        checkConditioning(manifestFile, m, family);
        return new Bundle(dir, m, family);
    }

    private static void checkHeader(Path file, Manifest m) {
        if (!BundleFormat.FORMAT.equals(m.format())) {
            throw fail(file + ": field 'format' is '" + m.format() + "', expected '" + BundleFormat.FORMAT + "'");
        }
        if (m.formatVersion() > BundleFormat.VERSION) {
            throw fail(file + ": bundle format version " + m.formatVersion() + " is newer than this runtime supports ("
                    + BundleFormat.VERSION + "); upgrade vaeforge to open it");
        }
        if (m.formatVersion() < 1) {
            throw fail(file + ": field 'formatVersion' is " + m.formatVersion() + ", expected 1.." + BundleFormat.VERSION);
        }
    }

    private static void checkShapes(Path file, Manifest m) {
        if (m.image() == null) {
            throw fail(file + ": missing field 'image'");
        }
        try {
            m.image().shape();
        } catch (IllegalArgumentException e) {
            throw fail(file + ": field 'image': " + e.getMessage());
        }
        if (m.latent() == null || m.latent().dim() < 1) {
            throw fail(file + ": field 'latent.dim' must be a positive integer");
        }
        if (m.likelihood() == null || !(List.of("bernoulli", "gaussian").contains(m.likelihood().type()))) {
            throw fail(file + ": field 'likelihood.type' must be bernoulli or gaussian, got "
                    + (m.likelihood() == null ? "nothing" : "'" + m.likelihood().type() + "'"));
        }
    }

    /**
     * Vector families: latent kind "vector" and prior standard-normal. vqvae: latent kind "grid" with
     * positive height, width and codebookSize, prior codes-uniform or codes-empirical, the latter with a
     * code prior file inside the bundle whose sha256 matches and whose shape matches the latent.
     */
    private static void checkLatent(Path dir, Path file, Manifest m, ModelFamily family) {
        Manifest.Latent l = m.latent();
        Manifest.Prior p = m.prior();
        if (!family.quantized()) {
            if (p == null || !Manifest.Prior.STANDARD_NORMAL.equals(p.type())) {
                throw fail(file + ": field 'prior.type' must be standard-normal");
            }
            if (l.kind() != null && !Manifest.Latent.VECTOR.equals(l.kind())) {
                throw fail(file + ": field 'latent.kind' must be vector for family '" + family.id() + "', got '" + l.kind() + "'");
            }
            return;
        }
        if (!Manifest.Latent.GRID.equals(l.kind()) || l.height() == null || l.height() < 1 || l.width() == null
                || l.width() < 1 || l.codebookSize() == null || l.codebookSize() < 1) {
            throw fail(file + ": family '" + family.id() + "' needs 'latent' {kind: grid, dim, height, width, codebookSize}"
                    + " with positive values");
        }
        if (p == null || !(Manifest.Prior.CODES_UNIFORM.equals(p.type()) || Manifest.Prior.CODES_EMPIRICAL.equals(p.type()))) {
            throw fail(file + ": field 'prior.type' must be codes-uniform or codes-empirical for family '" + family.id()
                    + "', got " + (p == null ? "nothing" : "'" + p.type() + "'"));
        }
        if (Manifest.Prior.CODES_UNIFORM.equals(p.type())) {
            return;
        }
        String name = p.file();
        if (name == null || name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("..")
                || name.equals(".") || name.contains("\0") || Path.of(name).isAbsolute()) {
            throw fail(file + ": 'prior.file' must be a plain file name inside the bundle, got " + name);
        }
        Path f = dir.resolve(name);
        if (!Files.isRegularFile(f)) {
            throw fail(f + ": missing (listed in manifest.json as the code prior)");
        }
        String actual;
        try {
            actual = Hashing.sha256(f);
        } catch (IOException e) {
            throw new VaeforgeException(BAD_BUNDLE, f + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (p.sha256() == null || !actual.equalsIgnoreCase(p.sha256())) {
            throw fail(f + ": sha256 is " + actual + " but manifest.json records " + p.sha256()
                    + "; the file was modified or corrupted");
        }
        CodePrior prior = Json.read(f, CodePrior.class, BAD_BUNDLE);
        if (prior.codebookSize() != l.codebookSize() || prior.height() != l.height() || prior.width() != l.width()) {
            throw fail(f + ": code prior is for " + prior.height() + "x" + prior.width() + " positions and "
                    + prior.codebookSize() + " codes, the latent has " + l.height() + "x" + l.width() + " and "
                    + l.codebookSize());
        }
    }

    private static void checkGraphSet(Path file, Manifest m, ModelFamily family) {
        Map<String, Manifest.Graph> graphs = m.graphs() == null ? Map.of() : m.graphs();
        Set<String> expected = new HashSet<>();
        for (GraphRole r : family.graphs()) {
            expected.add(r.key());
            if (!graphs.containsKey(r.key())) {
                throw fail(file + ": family '" + family.id() + "' needs a '" + r.key() + "' graph, but 'graphs' has none");
            }
        }
        List<String> extra = new ArrayList<>();
        for (String k : graphs.keySet()) {
            if (!expected.contains(k)) {
                extra.add(k);
            }
        }
        if (!extra.isEmpty()) {
            throw fail(file + ": 'graphs' lists " + extra + ", which family '" + family.id() + "' does not have (expected "
                    + family.graphs().stream().map(GraphRole::key).toList() + ")");
        }
    }

    private static void checkGraphFile(Path dir, GraphRole role, Manifest.Graph g) {
        String name = g.file();
        if (name == null || name.isEmpty()) {
            throw fail(dir.resolve(BundleFormat.MANIFEST) + ": graph '" + role.key() + "' has no 'file'");
        }
        if (name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".") || name.contains("\0")
                || Path.of(name).isAbsolute()) {
            throw fail(dir.resolve(BundleFormat.MANIFEST) + ": graph '" + role.key() + "' file name '" + name
                    + "' leaves the bundle directory; only plain file names are allowed");
        }
        Path f = dir.resolve(name);
        if (!Files.isRegularFile(f)) {
            throw fail(f + ": missing (listed in manifest.json as the " + role.key() + " graph)");
        }
        if (g.sha256() == null) {
            throw fail(dir.resolve(BundleFormat.MANIFEST) + ": graph '" + role.key() + "' has no sha256");
        }
        String actual;
        try {
            actual = Hashing.sha256(f);
        } catch (IOException e) {
            throw new VaeforgeException(BAD_BUNDLE, f + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (!actual.equalsIgnoreCase(g.sha256())) {
            throw fail(f + ": sha256 is " + actual + " but manifest.json records " + g.sha256()
                    + "; the file was modified or corrupted");
        }
        if (g.inputs() == null || g.inputs().isEmpty() || g.outputs() == null || g.outputs().isEmpty()) {
            throw fail(dir.resolve(BundleFormat.MANIFEST) + ": graph '" + role.key() + "' must list its inputs and outputs");
        }
    }

    /**
     * A conditional family needs a valid "conditioning" whose names match the width of the y input of
     * every graph; the other families must not have one (a reader would not know what to feed).
     */
    private static void checkConditioning(Path file, Manifest m, ModelFamily family) {
        if (!family.conditional()) {
            if (m.conditioning() != null) {
                throw fail(file + ": family '" + family.id() + "' takes no condition, but the manifest has 'conditioning'");
            }
            return;
        }
        if (m.conditioning() == null) {
            throw fail(file + ": family '" + family.id() + "' needs 'conditioning' ({type: labels|attributes, names: [...]})"
                    + " to say what its y input holds");
        }
        ConditionSpec spec;
        try {
            spec = ConditionSpec.of(m.conditioning());
        } catch (IllegalArgumentException e) {
            throw fail(file + ": field 'conditioning': " + e.getMessage());
        }
        for (GraphRole role : family.graphs()) {
            TensorSpec y = m.graphs().get(role.key()).inputs().stream().filter(t -> t.name().equals(Y_INPUT)).findFirst()
                    .orElseThrow(() -> fail(file + ": graph '" + role.key() + "' of a conditional bundle has no '" + Y_INPUT
                            + "' input"));
            long[] shape = y.shape();
            if (shape.length != 2 || shape[1] != spec.dim() || !"float32".equals(y.dtype())) {
                throw fail(file + ": graph '" + role.key() + "' input " + y + " must be float32[N," + spec.dim()
                        + "], one column per conditioning name");
            }
        }
    }

    private static VaeforgeException fail(String message) {
        return new VaeforgeException(BAD_BUNDLE, message);
    }
}
