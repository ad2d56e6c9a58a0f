package dev.vaeforge.runtime.importer;

import static dev.vaeforge.runtime.importer.ForeignGraph.refuse;

import ai.onnxruntime.OrtException;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.model.Tensor;
import dev.vaeforge.runtime.session.SessionRun;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Runs batches of 2 and of 3 through every graph, each fed what the one before it produced (images -> encoder
 * -> [quantizer ->] decoder), to prove what the signatures cannot: that the batch axis is really dynamic, that
 * the shapes chain, that the encoder gives the same outputs for the same input twice, and that the decoder's
 * values stay in the range its declared output kind promises. Records every run and the shape each tensor
 * really has.
 */
final class Probes {
    static final int[] BATCHES = {2, 3};

    private final Bindings bindings;
    private final Map<GraphRole, ForeignGraph> graphs;
    private final double[] pixelRange;
    private final long[] image;
    final List<Manifest.Imported.Probe> runs = new ArrayList<>();
    /** Every tensor's item shape (without the batch; a codebook's whole shape) as observed, by "role.name". */
    final Map<String, long[]> observed = new LinkedHashMap<>();

    Probes(Bindings bindings, Map<GraphRole, ForeignGraph> graphs, double[] pixelRange, long[] image) {
        this.bindings = bindings;
        this.graphs = graphs;
        this.pixelRange = pixelRange.clone();
        this.image = image.clone();
    }

    void run(long seed) {
        Random rng = new Random(seed);
        for (int b : BATCHES) {
            float[] x = new float[b * Math.toIntExact(image[1] * image[2] * image[3])];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (pixelRange[0] + (pixelRange[1] - pixelRange[0]) * rng.nextFloat());
            }
            long[] xs = image.clone();
            xs[0] = b;
            ForeignGraph enc = graphs.get(GraphRole.ENCODER);
            Map<String, Tensor> in = Map.of(input(GraphRole.ENCODER, TensorRole.IMAGE).name(), Tensor.of(x, xs));
            Map<String, Tensor> eo = run(enc, in, b);
            if (b == BATCHES[0]) {
                checkDeterministic(enc, in, eo);
            }
            Tensor latent;
            if (graphs.containsKey(GraphRole.QUANTIZER)) {
                Tensor ze = eo.get(output(GraphRole.ENCODER, TensorRole.LATENT_UNQUANTIZED).name());
                Map<String, Tensor> qo = run(graphs.get(GraphRole.QUANTIZER),
                        chain(GraphRole.QUANTIZER, TensorRole.LATENT_UNQUANTIZED, ze, "the encoder's z_e"), b);
                checkIndices(qo);
                latent = qo.get(output(GraphRole.QUANTIZER, TensorRole.LATENT_QUANTIZED).name());
                latent = chainTo(GraphRole.DECODER, TensorRole.LATENT_QUANTIZED, latent, "the quantizer's z_q");
            } else {
                latent = chainTo(GraphRole.DECODER, TensorRole.LATENT, mean(eo, b), "the encoder's posterior mean");
            }
            Map<String, Tensor> decIn = new HashMap<>();
            decIn.put(graphs.get(GraphRole.DECODER).inputs.get(0).name(), latent);
            Map<String, Tensor> dout = run(graphs.get(GraphRole.DECODER), decIn, b);
            Tensor rec = dout.get(output(GraphRole.DECODER, TensorRole.RECONSTRUCTION).name());
            long[] want = image.clone();
            want[0] = b;
            if (!Arrays.equals(rec.shape(), want)) {
                throw refuse("shapes do not chain: the decoder turned " + b + " latents into " + Arrays.toString(rec.shape())
                        + ", the encoder takes images " + Arrays.toString(want));
            }
            checkRange(rec);
        }
    }

    /** The posterior mean [b, ...] from the mean output, or the first half of each item's moments. */
    private Tensor mean(Map<String, Tensor> eo, int b) {
        TensorSpec moments = find(bindings.outputs.get(GraphRole.ENCODER), TensorRole.LATENT_MOMENTS);
        if (moments == null) {
            return eo.get(output(GraphRole.ENCODER, TensorRole.LATENT_MEAN).name());
        }
        Tensor m = eo.get(moments.name());
        long[] s = m.shape();
        if (s.length < 2 || s[1] % 2 != 0) {
            throw refuse(graphs.get(GraphRole.ENCODER).describe() + ": output '" + moments.name() + "' is "
                    + Arrays.toString(s) + "; concatenated moments need an even size along axis 1 (mean, then log-variance)");
        }
        s[1] /= 2;
        int size = Math.toIntExact(m.floats().length / b / 2);
        float[] mu = new float[b * size];
        for (int i = 0; i < b; i++) {
            System.arraycopy(m.floats(), i * 2 * size, mu, i * size, size);
        }
        return Tensor.of(mu, s);
    }

    private Map<String, Tensor> chain(GraphRole role, String inputRole, Tensor t, String what) {
        return Map.of(input(role, inputRole).name(), chainTo(role, inputRole, t, what));
    }

    /** {@code t} if its shape fits the declared input of {@code role} (dynamic dimensions fit anything). */
    private Tensor chainTo(GraphRole role, String inputRole, Tensor t, String what) {
        TensorSpec in = input(role, inputRole);
        long[] d = in.shape();
        long[] s = t.shape();
        boolean fits = d.length == s.length;
        for (int i = 1; fits && i < d.length; i++) {
            fits = d[i] < 0 || d[i] == s[i];
        }
        if (!fits) {
            throw refuse("shapes do not chain: " + what + " is " + itemShape(s) + " per item, but " + graphs.get(role).describe()
                    + " takes '" + in.name() + "' " + in.shapeText());
        }
        return t;
    }

    private Map<String, Tensor> run(ForeignGraph g, Map<String, Tensor> in, int b) {
        Map<String, Tensor> out;
        try {
            out = SessionRun.run(g.session, in);
        } catch (OrtException e) {
            throw refuse(g.describe() + ": ONNX Runtime failed on a probe batch of " + b + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw refuse(g.describe() + ": " + e.getMessage());
        }
        Map<String, List<Long>> ins = new LinkedHashMap<>();
        in.forEach((k, v) -> ins.put(k, list(v.shape())));
        Map<String, List<Long>> outs = new LinkedHashMap<>();
        Map<String, double[]> ranges = new LinkedHashMap<>();
        for (TensorSpec spec : g.outputs) {
            Tensor t = out.get(spec.name());
            outs.put(spec.name(), list(t.shape()));
            boolean codebook = TensorRole.CODEBOOK.equals(role(g.role, spec.name()));
            if (!codebook && (t.shape().length == 0 || t.shape()[0] != b)) {
                throw refuse(g.describe() + ": output '" + spec.name() + "' has shape " + Arrays.toString(t.shape())
                        + " on a batch of " + b + "; its first axis must be the batch");
            }
            record(g.role, spec.name(), codebook ? t.shape() : Arrays.copyOfRange(t.shape(), 1, t.shape().length), b);
            if (t.floats() != null) {
                double[] r = range(t.floats());
                if (!Double.isFinite(r[0]) || !Double.isFinite(r[1])) {
                    throw refuse(g.describe() + ": output '" + spec.name() + "' holds NaN or infinite values on a probe"
                            + " batch of " + b);
                }
                ranges.put(spec.name(), r);
            }
        }
        for (Map.Entry<String, Tensor> e : in.entrySet()) {
            long[] s = e.getValue().shape();
            record(g.role, e.getKey(), Arrays.copyOfRange(s, 1, s.length), b);
        }
        runs.add(new Manifest.Imported.Probe(g.role.key(), b, ins, outs, ranges));
        return out;
    }

    private void record(GraphRole role, String name, long[] item, int b) {
        String key = role.key() + "." + name;
        long[] before = observed.putIfAbsent(key, item);
        if (before != null && !Arrays.equals(before, item)) {
            throw refuse(graphs.get(role).describe() + ": tensor '" + name + "' is " + Arrays.toString(before) + " per item on"
                    + " one batch and " + Arrays.toString(item) + " on a batch of " + b + "; only the batch may change");
        }
    }

    private void checkDeterministic(ForeignGraph enc, Map<String, Tensor> in, Map<String, Tensor> first) {
        Map<String, Tensor> again;
        try {
            again = SessionRun.run(enc.session, in);
        } catch (OrtException e) {
            throw refuse(enc.describe() + ": ONNX Runtime failed on a probe: " + e.getMessage());
        }
        for (Map.Entry<String, Tensor> e : first.entrySet()) {
            Tensor t = again.get(e.getKey());
            if (!Arrays.equals(t.floats(), e.getValue().floats()) || !Arrays.equals(t.longs(), e.getValue().longs())) {
                throw refuse(enc.describe() + ": output '" + e.getKey() + "' differs between two runs on the same images;"
                        + " an encoder must be deterministic (export the mean and log-variance, not a sample)");
            }
        }
    }

    private void checkIndices(Map<String, Tensor> qo) {
        long k = qo.get(output(GraphRole.QUANTIZER, TensorRole.CODEBOOK).name()).shape()[0];
        String name = output(GraphRole.QUANTIZER, TensorRole.CODE_INDICES).name();
        for (long v : qo.get(name).longs()) {
            if (v < 0 || v >= k) {
                throw refuse(graphs.get(GraphRole.QUANTIZER).describe() + ": output '" + name + "' gave code " + v
                        + " on a probe, outside the codebook's 0.." + (k - 1));
            }
        }
    }

    /** A decoder declared probabilities must stay in [0, 1], tanh in [-1, 1]; logits and pixels are unbounded. */
    private void checkRange(Tensor rec) {
        double[] r = range(rec.floats());
        String kind = bindings.decoderOutput;
        double lo = kind.equals("probabilities") ? 0 : kind.equals("tanh") ? -1 : Double.NEGATIVE_INFINITY;
        double hi = kind.equals("probabilities") || kind.equals("tanh") ? 1 : Double.POSITIVE_INFINITY;
        double eps = 1e-6;
        if (r[0] < lo - eps || r[1] > hi + eps) {
            throw refuse(graphs.get(GraphRole.DECODER).describe() + ": declared " + kind + " (values in [" + fmt(lo) + ", "
                    + fmt(hi) + "]), but on the probe its output ranges over [" + r[0] + ", " + r[1] + "]; pass the"
                    + " --decoder-output it really gives (logits for an output without its sigmoid, pixels for values"
                    + " in --pixel-range that are clipped)");
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private String role(GraphRole g, String name) {
        TensorSpec t = bindings.outputs.get(g).stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
        return t == null ? null : t.role();
    }

    private TensorSpec input(GraphRole g, String role) {
        return find(bindings.inputs.get(g), role);
    }

    private TensorSpec output(GraphRole g, String role) {
        return find(bindings.outputs.get(g), role);
    }

    private static TensorSpec find(List<TensorSpec> specs, String role) {
        return specs.stream().filter(t -> role.equals(t.role())).findFirst().orElse(null);
    }

    private static double[] range(float[] a) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (float v : a) {
            if (Float.isNaN(v)) {
                return new double[] {Double.NaN, Double.NaN};
            }
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return new double[] {lo, hi};
    }

    private static List<Long> list(long[] s) {
        return Arrays.stream(s).boxed().toList();
    }

    /** [2, 4, 8, 8] as "[4,8,8]": a shape without its batch. */
    static String itemShape(long[] s) {
        return Arrays.toString(s.length > 0 ? Arrays.copyOfRange(s, 1, s.length) : s).replace(" ", "");
    }
}
