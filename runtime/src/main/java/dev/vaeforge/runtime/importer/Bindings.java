package dev.vaeforge.runtime.importer;

import static dev.vaeforge.runtime.importer.ForeignGraph.refuse;

import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Gives every tensor of the foreign graphs its role: what {@code --bind} names, else what is unambiguous
 * (the only input; the only output of a kind; a mean and a log-variance by their usual names; a codebook as
 * the quantizer's only matrix). Where it is not, the refusal lists what the graph has and the flag that
 * settles it. {@link #explained} records how each role was decided, for the bundle's provenance.
 */
final class Bindings {
    private static final Set<String> MEAN_NAMES = Set.of("mu", "mean", "zmean", "embedding", "loc", "latentmean",
            "posteriormean", "qmean", "zmu", "meanz");
    private static final Set<String> LOGVAR_NAMES = Set.of("logvar", "logvariance", "logcovariance", "zlogvar",
            "latentlogvar", "logsigma2", "logvarz", "logcov");

    private final ImportOptions options;
    /** "encoder.x" -> "image (the only input)". */
    final Map<String, String> explained = new LinkedHashMap<>();
    final Map<GraphRole, List<TensorSpec>> inputs = new LinkedHashMap<>();
    final Map<GraphRole, List<TensorSpec>> outputs = new LinkedHashMap<>();
    /** The decoder output's value kind as the manifest says it (probabilities, logits or pixels). */
    String values;
    /** What the user or the graph says the decoder gives: probabilities, logits, tanh or pixels. */
    String decoderOutput;

    private Bindings(ImportOptions options) {
        this.options = options;
    }

    static Bindings of(ImportOptions options, ForeignGraph encoder, ForeignGraph decoder, ForeignGraph quantizer) {
        Bindings b = new Bindings(options);
        boolean codes = quantizer != null;
        b.bindEncoder(encoder, codes);
        if (codes) {
            b.bindQuantizer(quantizer);
        }
        b.bindDecoder(decoder, codes);
        return b;
    }

    private void bindEncoder(ForeignGraph g, boolean codes) {
        Map<String, String> in = new LinkedHashMap<>();
        in.put(pick(g, g.inputs, "image", "input", t -> t.shape().length == 4 && t.dtype().equals("float32"),
                "a float32 [N,C,H,W] image"), TensorRole.IMAGE);
        inputs.put(g.role, assign(g, g.inputs, in, "inputs"));
        Map<String, String> out = new LinkedHashMap<>();
        if (codes) {
            out.put(pick(g, g.outputs, "unquantized", "output", t -> t.shape().length == 4 && t.dtype().equals("float32"),
                    "a float32 [N,D,h,w] z_e for the quantizer"), TensorRole.LATENT_UNQUANTIZED);
        } else if (options.momentsConcat() || options.bind().containsKey("moments")) {
            String m = pick(g, g.outputs, "moments", "output", t -> t.dtype().equals("float32"), "the moments");
            out.put(m, TensorRole.LATENT_MOMENTS);
        } else {
            String mean = byName(g, "mean", MEAN_NAMES);
            String logvar = byName(g, "logvar", LOGVAR_NAMES);
            if (mean == null || logvar == null || mean.equals(logvar)) {
                String hint = g.outputs.size() == 1
                        ? "; if its one output holds mean and log-variance concatenated along axis 1 (as diffusers'"
                        + " AutoencoderKL does), pass --moments concat"
                        : "; name them with --bind mean=NAME,logvar=NAME";
                throw refuse(g.describe() + ": cannot tell which output is the posterior mean and which the"
                        + " log-variance; its outputs are " + list(g.outputs) + hint);
            }
            out.put(mean, TensorRole.LATENT_MEAN);
            out.put(logvar, TensorRole.LATENT_LOGVAR);
        }
        outputs.put(g.role, assign(g, g.outputs, out, "outputs"));
    }

    private void bindQuantizer(ForeignGraph g) {
        Map<String, String> in = new LinkedHashMap<>();
        in.put(pick(g, g.inputs, "unquantized", "input", t -> t.shape().length == 4, "z_e [N,D,h,w]"),
                TensorRole.LATENT_UNQUANTIZED);
        inputs.put(g.role, assign(g, g.inputs, in, "inputs"));
        Map<String, String> out = new LinkedHashMap<>();
        out.put(pick(g, g.outputs, "indices", "output", t -> t.dtype().equals("int64") && t.shape().length == 3,
                "the int64 [N,h,w] code indices"), TensorRole.CODE_INDICES);
        out.put(pick(g, g.outputs, "quantized", "output", t -> t.dtype().equals("float32") && t.shape().length == 4,
                "the float32 [N,D,h,w] quantised latent z_q"), TensorRole.LATENT_QUANTIZED);
        out.put(pick(g, g.outputs, "codebook", "output", t -> t.dtype().equals("float32") && t.shape().length == 2,
                "the float32 [K,D] codebook"), TensorRole.CODEBOOK);
        outputs.put(g.role, assign(g, g.outputs, out, "outputs"));
    }

    private void bindDecoder(ForeignGraph g, boolean codes) {
        Map<String, String> in = new LinkedHashMap<>();
        in.put(pick(g, g.inputs, codes ? "quantized" : "latent", "input", t -> t.dtype().equals("float32"),
                codes ? "z_q [N,D,h,w]" : "the latent z"), codes ? TensorRole.LATENT_QUANTIZED : TensorRole.LATENT);
        inputs.put(g.role, assign(g, g.inputs, in, "inputs"));
        Map<String, String> out = new LinkedHashMap<>();
        String rec = pick(g, g.outputs, "reconstruction", "output",
                t -> t.shape().length == 4 && t.dtype().equals("float32"), "a float32 [N,C,H,W] image");
        out.put(rec, TensorRole.RECONSTRUCTION);
        decoderOutput = options.decoderOutput();
        if (decoderOutput == null) {
            Optional<String> op = g.producingOp(rec);
            decoderOutput = op.filter("Sigmoid"::equals).map(o -> "probabilities")
                    .or(() -> op.filter("Tanh"::equals).map(o -> "tanh")).orElse(null);
            if (decoderOutput == null) {
                throw refuse(g.describe() + ": cannot tell how output '" + rec + "' reads as pixels (it is computed by "
                        + op.map(o -> "a " + o + " node").orElse("no node") + ", not a Sigmoid or Tanh); pass"
                        + " --decoder-output probabilities|logits|tanh|pixels (pixels: values in --pixel-range)");
            }
            explained.put("decoder." + rec + ".values", decoderOutput + " (inferred: the output is computed by a "
                    + op.orElseThrow() + ")");
        } else {
            explained.put("decoder." + rec + ".values", decoderOutput + " (--decoder-output)");
        }
        values = switch (decoderOutput) {
            case "probabilities" -> TensorRole.VALUES_PROBABILITIES;
            case "logits" -> TensorRole.VALUES_LOGITS;
            default -> TensorRole.VALUES_PIXELS;
        };
        List<TensorSpec> specs = assign(g, g.outputs, out, "outputs");
        specs.replaceAll(t -> t.role().equals(TensorRole.RECONSTRUCTION) ? t.withRole(t.role(), values) : t);
        outputs.put(g.role, specs);
    }

    /**
     * The tensor for binding {@code key}: the one {@code --bind} names, else the only candidate among
     * {@code tensors}, else a refusal listing them.
     */
    private String pick(ForeignGraph g, List<TensorSpec> tensors, String key, String side, Predicate<TensorSpec> fits,
                        String what) {
        String bound = options.bind().get(key);
        if (bound != null) {
            TensorSpec t = tensors.stream().filter(s -> s.name().equals(bound)).findFirst().orElseThrow(() -> refuse(
                    g.describe() + ": --bind " + key + "=" + bound + " names no " + side + " of the graph; its " + side
                            + "s are " + list(tensors)));
            explained.put(g.role.key() + "." + t.name(), ImportOptions.BIND_KEYS.get(key) + " (--bind " + key + "=" + bound + ")");
            return t.name();
        }
        List<TensorSpec> candidates = tensors.stream().filter(fits).filter(t -> !taken(g, t.name())).toList();
        if (candidates.size() == 1) {
            explained.put(g.role.key() + "." + candidates.get(0).name(), ImportOptions.BIND_KEYS.get(key)
                    + " (inferred: the only " + side + " that can be " + what + ")");
            return candidates.get(0).name();
        }
        throw refuse(g.describe() + ": cannot tell which " + side + " is " + what + "; its " + side + "s are " + list(tensors)
                + (candidates.isEmpty() ? ", none of which can be" : "") + "; name it with --bind " + key + "=NAME");
    }

    private boolean taken(ForeignGraph g, String name) {
        return explained.containsKey(g.role.key() + "." + name);
    }

    /** The output whose normalised name is one of {@code names}, if exactly one; a --bind wins. */
    private String byName(ForeignGraph g, String key, Set<String> names) {
        String bound = options.bind().get(key);
        if (bound != null) {
            return pick(g, g.outputs, key, "output", t -> true, "");
        }
        List<TensorSpec> hits = g.outputs.stream().filter(t -> names.contains(normalise(t.name()))).toList();
        if (hits.size() != 1) {
            return null;
        }
        explained.put(g.role.key() + "." + hits.get(0).name(), ImportOptions.BIND_KEYS.get(key) + " (inferred from its name)");
        return hits.get(0).name();
    }

    /** "[x:float32[N,3,?,?]]": the batch as N, any other dynamic dimension as ?. */
    static String list(List<TensorSpec> tensors) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < tensors.size(); i++) {
            TensorSpec t = tensors.get(i);
            long[] s = t.shape();
            sb.append(i > 0 ? ", " : "").append(t.name()).append(':').append(t.dtype()).append('[');
            for (int d = 0; d < s.length; d++) {
                sb.append(d > 0 ? "," : "").append(s[d] >= 0 ? Long.toString(s[d]) : d == 0 ? "N" : "?");
            }
            sb.append(']');
        }
        return sb.append(']').toString();
    }

    private static String normalise(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /** The graph's tensors with their roles; one the runtime cannot give a role is refused. */
    private static List<TensorSpec> assign(ForeignGraph g, List<TensorSpec> tensors, Map<String, String> roles, String side) {
        List<TensorSpec> out = new ArrayList<>();
        for (TensorSpec t : tensors) {
            String role = roles.get(t.name());
            if (role == null) {
                throw refuse(g.describe() + ": " + side.substring(0, side.length() - 1) + " '" + t.name() + "' " + t.dtype()
                        + t.shapeText() + " has no role the runtime can give it (this graph's " + side + " are bound as "
                        + roles + "); export the graph without it");
            }
            out.add(t.withRole(role, null));
        }
        return out;
    }
}
