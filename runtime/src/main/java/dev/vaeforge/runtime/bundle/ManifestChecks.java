package dev.vaeforge.runtime.bundle;

import static dev.vaeforge.runtime.bundle.BundleReader.fail;

import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.condition.ConditionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The structural checks of a (v2, or upgraded v1) manifest: image and pixel range, likelihood, latent,
 * prior (with its file and hash), the graphs (see {@link GraphChecks}) and the conditioning against the
 * graphs' condition inputs. What a bundle can do is read from here on from graph and tensor roles;
 * the family label is not looked at.
 */
final class ManifestChecks {
    private ManifestChecks() {
    }

    static void check(Path dir, Path file, Manifest m) {
        checkImage(file, m);
        if (m.likelihood() == null || !(List.of("bernoulli", "gaussian").contains(m.likelihood().type()))) {
            throw fail(file + ": field 'likelihood.type' must be bernoulli or gaussian, got "
                    + (m.likelihood() == null ? "nothing" : "'" + m.likelihood().type() + "'"));
        }
        checkLatent(file, m.latent());
        checkPrior(dir, file, m);
        GraphChecks.check(dir, file, m);
        checkConditioning(file, m);
        checkLatentScale(file, m.latent());
        checkGolden(dir, file, m);
    }

    private static void checkLatentScale(Path file, Manifest.Latent l) {
        if (l.scale() == null) {
            return;
        }
        if (!l.gaussian() || !Double.isFinite(l.scale()) || !(l.scale() > 0)) {
            throw fail(file + ": field 'latent.scale' must be a positive finite number on a gaussian latent, got "
                    + l.scale() + " on a latent of kind " + l.kind());
        }
    }

    /**
     * Golden tensors (optional): each names a graph of the bundle, covers every input of that graph by name and
     * only its outputs, and each file is a plain name inside the bundle whose sha256 matches.
     */
    private static void checkGolden(Path dir, Path file, Manifest m) {
        Golden g = m.golden();
        if (g == null) {
            return;
        }
        if (g.graphs() == null || g.graphs().isEmpty() || g.batch() < 1) {
            throw fail(file + ": field 'golden' must have a positive 'batch' and list 'graphs'");
        }
        for (Map.Entry<String, Golden.Graph> e : g.graphs().entrySet()) {
            String f = "golden.graphs." + e.getKey();
            Manifest.Graph graph = m.graphs().get(e.getKey());
            Golden.Graph gg = e.getValue();
            if (graph == null || gg == null) {
                throw fail(file + ": field '" + f + "' names no graph of this bundle");
            }
            if (!(gg.tolerance() > 0) || gg.inputs() == null || gg.outputs() == null) {
                throw fail(file + ": field '" + f + "' needs a positive 'tolerance', 'inputs' and 'outputs'");
            }
            List<String> inputs = graph.inputs().stream().map(TensorSpec::name).sorted().toList();
            List<String> golden = gg.inputs().stream().map(Golden.Tensor::name).sorted().toList();
            if (!inputs.equals(golden)) {
                throw fail(file + ": field '" + f + ".inputs' covers " + golden + ", the graph's inputs are " + inputs);
            }
            List<String> outputs = graph.outputs().stream().map(TensorSpec::name).toList();
            for (Golden.Tensor t : gg.outputs()) {
                if (!outputs.contains(t.name())) {
                    throw fail(file + ": field '" + f + ".outputs' names '" + t.name() + "', which is not an output of"
                            + " the graph (" + outputs + ")");
                }
            }
            List<Golden.Tensor> all = new ArrayList<>(gg.inputs());
            all.addAll(gg.outputs());
            for (Golden.Tensor t : all) {
                if (t.file() == null || !plainFileName(t.file())) {
                    throw fail(file + ": field '" + f + "' file name " + t.file() + " must be a plain file name inside"
                            + " the bundle");
                }
                Path p = dir.resolve(t.file());
                if (!Files.isRegularFile(p)) {
                    throw fail(p + ": missing (listed in manifest.json as a golden tensor of the " + e.getKey() + " graph)");
                }
                if (t.sha256() == null) {
                    throw fail(file + ": field '" + f + "' tensor '" + t.name() + "' has no sha256");
                }
                checkHash(p, t.sha256());
            }
        }
    }

    private static void checkImage(Path file, Manifest m) {
        if (m.image() == null) {
            throw fail(file + ": missing field 'image'");
        }
        try {
            m.image().shape();
        } catch (IllegalArgumentException e) {
            throw fail(file + ": field 'image': " + e.getMessage());
        }
        double[] r = m.image().pixelRange();
        if (r == null || r.length != 2 || !Double.isFinite(r[0]) || !Double.isFinite(r[1]) || !(r[0] < r[1])) {
            throw fail(file + ": field 'image.pixelRange' must be [lo, hi] with lo < hi, got "
                    + (r == null ? "nothing" : Arrays.toString(r)));
        }
    }

    private static void checkLatent(Path file, Manifest.Latent l) {
        if (l == null) {
            throw fail(file + ": missing field 'latent'");
        }
        if (l.hierarchical()) {
            checkLevels(file, l);
            return;
        }
        if (!l.gaussian() && !l.codes()) {
            throw fail(file + ": field 'latent.kind' must be gaussian or codes, got "
                    + (l.kind() == null ? "nothing" : "'" + l.kind() + "'"));
        }
        long[] s = l.shape();
        boolean positive = s != null && Arrays.stream(s).allMatch(d -> d >= 1 && d <= Integer.MAX_VALUE);
        if (l.gaussian() && (!positive || (s.length != 1 && s.length != 3))) {
            throw fail(file + ": field 'latent.shape' of a gaussian latent must be [D] or [C, h, w] with positive"
                    + " values, got " + (s == null ? "nothing" : Arrays.toString(s)));
        }
        if (l.codes()) {
            if (!positive || s.length != 2) {
                throw fail(file + ": field 'latent.shape' of a codes latent must be [h, w] with positive values, got "
                        + (s == null ? "nothing" : Arrays.toString(s)));
            }
            if (l.codeDim() == null || l.codeDim() < 1) {
                throw fail(file + ": field 'latent.codeDim' must be a positive integer, got " + l.codeDim());
            }
            if (l.codebookSize() == null || l.codebookSize() < 1) {
                throw fail(file + ": field 'latent.codebookSize' must be a positive integer, got " + l.codebookSize());
            }
        }
    }

    /**
     * A levels latent: 2 named Gaussian vector levels (top first, names unique), inference
     * precision-weighted, no scale. Deeper hierarchies are valid in the format but not run by this runtime.
     */
    private static void checkLevels(Path file, Manifest.Latent l) {
        List<Manifest.Latent> levels = l.levels();
        if (levels == null || levels.size() != 2) {
            throw fail(file + ": field 'latent.levels' must list 2 levels (top first) for a latent of kind levels; "
                    + "this runtime runs hierarchies of 2 levels, got " + (levels == null ? "none" : levels.size()));
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < levels.size(); i++) {
            Manifest.Latent v = levels.get(i);
            String f = "latent.levels[" + i + "]";
            long[] s = v == null ? null : v.shape();
            if (v == null || !v.gaussian() || s == null || s.length != 1 || s[0] < 1 || s[0] > Integer.MAX_VALUE) {
                throw fail(file + ": field '" + f + "' must be {kind: gaussian, shape: [D], name} with D >= 1, got "
                        + (v == null ? "nothing" : "kind " + v.kind() + ", shape " + (s == null ? "nothing" : Arrays.toString(s))));
            }
            if (v.name() == null || v.name().isBlank() || !names.add(v.name())) {
                throw fail(file + ": field '" + f + ".name' must be a non-blank name unique among the levels, got "
                        + (v.name() == null ? "nothing" : "'" + v.name() + "'"));
            }
            if (v.levels() != null || v.scale() != null) {
                throw fail(file + ": field '" + f + "' cannot have levels or a scale of its own");
            }
        }
        if (!Manifest.Latent.PRECISION_WEIGHTED.equals(l.inference())) {
            throw fail(file + ": field 'latent.inference' must be '" + Manifest.Latent.PRECISION_WEIGHTED + "' for a latent "
                    + "of kind levels, got " + (l.inference() == null ? "nothing" : "'" + l.inference() + "'"));
        }
        if (l.scale() != null) {
            throw fail(file + ": field 'latent.scale' applies to a gaussian latent, not to one of kind levels");
        }
    }

    /**
     * A gaussian latent: prior standard-normal or gaussian-mixture, the latter with a [2, K, size] float32
     * .npy of finite means and log-variances. A codes latent: codes-uniform or codes-empirical, the latter
     * with a code prior file whose shape matches the latent. A prior file lies inside the bundle and its
     * sha256 matches.
     */
    private static void checkPrior(Path dir, Path file, Manifest m) {
        Manifest.Latent l = m.latent();
        Manifest.Prior p = m.prior();
        String type = p == null ? null : p.type();
        List<String> allowed = l.hierarchical() ? List.of(Manifest.Prior.STANDARD_NORMAL)
                : l.gaussian() ? List.of(Manifest.Prior.STANDARD_NORMAL, Manifest.Prior.GAUSSIAN_MIXTURE,
                        Manifest.Prior.GRAPHS)
                : List.of(Manifest.Prior.CODES_UNIFORM, Manifest.Prior.CODES_EMPIRICAL);
        if (!allowed.contains(type)) {
            throw fail(file + ": field 'prior.type' must be " + String.join(" or ", allowed) + " for a latent of kind "
                    + l.kind() + ", got " + (type == null ? "nothing" : "'" + type + "'"));
        }
        if (!Manifest.Prior.CODES_EMPIRICAL.equals(type) && !Manifest.Prior.GAUSSIAN_MIXTURE.equals(type)) {
            return;
        }
        String name = p.file();
        if (name == null || !plainFileName(name)) {
            throw fail(file + ": field 'prior.file' must be a plain file name inside the bundle, got " + name);
        }
        Path f = dir.resolve(name);
        if (!Files.isRegularFile(f)) {
            throw fail(f + ": missing (listed in manifest.json as the prior's file)");
        }
        if (p.sha256() == null) {
            throw fail(file + ": field 'prior.sha256' is missing (the prior file's hash)");
        }
        checkHash(f, p.sha256());
        if (Manifest.Prior.GAUSSIAN_MIXTURE.equals(type)) {
            checkMixture(f, l);
            return;
        }
        CodePrior prior = Json.read(f, CodePrior.class, VaeforgeException.Code.BAD_BUNDLE);
        long[] s = l.shape();
        if (prior.codebookSize() != l.codebookSize() || prior.height() != s[0] || prior.width() != s[1]) {
            throw fail(f + ": code prior is for " + prior.height() + "x" + prior.width() + " positions and "
                    + prior.codebookSize() + " codes, the latent has " + s[0] + "x" + s[1] + " and " + l.codebookSize());
        }
    }

    /** A mixture prior's file: float32 [2, K, size] with K >= 1, every value finite. */
    private static void checkMixture(Path f, Manifest.Latent l) {
        float[] values;
        try (dev.vaeforge.runtime.data.NpyArray a = dev.vaeforge.runtime.data.NpyArray.open(f)) {
            long[] s = a.shape();
            if (!"<f4".equals(a.dtype()) || s.length != 3 || s[0] != 2 || s[1] < 1 || s[2] != l.size()) {
                throw fail(f + ": a mixture prior must be float32 (<f4) of shape [2, K, " + l.size() + "] (means, then "
                        + "log-variances, of K components over the latent's " + l.size() + " values), got " + a.dtype()
                        + " " + java.util.Arrays.toString(s));
            }
            values = a.readFloats(0, 2);
        } catch (java.io.IOException e) {
            throw fail(f + ": the mixture prior cannot be read: " + e.getMessage());
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw fail(f + ": value " + values[i] + " at flat index " + i + " is not finite");
            }
        }
    }

    /**
     * Condition inputs feed the encoder and the decoder only; when any graph has one, "conditioning" must
     * say what its columns mean and every condition input must be float32[N, names]; without condition
     * inputs there must be no "conditioning" (a reader would not know what to feed).
     */
    private static void checkConditioning(Path file, Manifest m) {
        List<String> withCondition = new ArrayList<>();
        for (Map.Entry<String, Manifest.Graph> e : m.graphs().entrySet()) {
            if (e.getValue().input(TensorRole.CONDITION).isPresent()) {
                withCondition.add(e.getKey());
            }
        }
        if (withCondition.isEmpty()) {
            if (m.conditioning() != null) {
                throw fail(file + ": field 'conditioning' is present, but no graph has an input with role condition");
            }
            return;
        }
        if (m.conditioning() == null) {
            throw fail(file + ": field 'conditioning' is missing ({type: labels|attributes, names: [...]}), but graphs "
                    + withCondition + " take a condition input");
        }
        ConditionSpec spec;
        try {
            spec = ConditionSpec.of(m.conditioning());
        } catch (IllegalArgumentException e) {
            throw fail(file + ": field 'conditioning': " + e.getMessage());
        }
        for (String g : withCondition) {
            TensorSpec y = m.graphs().get(g).input(TensorRole.CONDITION).orElseThrow();
            if (!y.sameSignature(new TensorSpec(y.name(), "float32", new long[] {-1, spec.dim()}))) {
                throw fail(file + ": field 'graphs." + g + ".inputs' tensor " + y + " (role condition) must be float32[N,"
                        + spec.dim() + "], one column per name in 'conditioning.names'");
            }
        }
    }

    static boolean plainFileName(String name) {
        return !(name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".")
                || name.contains("\0") || Path.of(name).isAbsolute());
    }

    static void checkHash(Path f, String expected) {
        String actual = GraphChecks.sha256(f);
        if (!actual.equalsIgnoreCase(expected)) {
            throw fail(f + ": sha256 is " + actual + " but manifest.json records " + expected
                    + "; the file was modified or corrupted");
        }
    }
}
