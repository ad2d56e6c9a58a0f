package dev.vaeforge.serve;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.model.CodeGridHead;
import dev.vaeforge.runtime.model.Prior;
import dev.vaeforge.runtime.ops.Posterior;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A bundle under its name: which operations it offers and with what inputs and outputs, all read from
 * what the runtime says the bundle can do (an encoder or not, a Gaussian latent or a grid of codes, a
 * condition), and how each operation runs on a batch of already validated inputs.
 */
final class ServedModel {
    static final String IMAGE = "image";
    static final String CONDITION = "condition";
    static final String LATENT = "latent";
    static final String CODES = "codes";
    static final String SEED = "seed";
    static final String MEAN = "mean";
    static final String LOGVAR = "logvar";
    static final String RECONSTRUCTION = "reconstruction";

    /** The inputs and outputs of one operation. */
    record Signature(Operation operation, List<TensorMeta> inputs, List<TensorMeta> outputs) {
        Signature {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
        }
    }

    private final String name;
    private final VaeRuntime runtime;
    private final Map<Operation, Signature> signatures;

    ServedModel(String name, VaeRuntime runtime) {
        this.name = name;
        this.runtime = runtime;
        this.signatures = Collections.unmodifiableMap(signatures(runtime));
    }

    String name() {
        return name;
    }

    VaeRuntime runtime() {
        return runtime;
    }

    /** The operations this bundle offers, in {@link Operation} order. */
    Map<Operation, Signature> signatures() {
        return signatures;
    }

    /** What {@code GET /v2/models/NAME} without a version describes: reconstruct where the bundle has an encoder, else decode. */
    Operation defaultOperation() {
        return signatures.containsKey(Operation.RECONSTRUCT) ? Operation.RECONSTRUCT : Operation.DECODE;
    }

    ImageShape imageShape() {
        return runtime.imageShape();
    }

    /** Extra metadata: the image's pixel range as the API uses it, the latent, the condition's names. */
    Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        Manifest m = runtime.manifest();
        p.put("bundle_id", m.id());
        p.put("pixel_range", List.of(0, 1));
        p.put("latent_kind", m.latent().kind());
        if (runtime.hasCodes()) {
            p.put("codebook_size", m.latent().codebookSize());
        }
        runtime.condition().ifPresent(c -> {
            p.put("condition_kind", c.kind().id());
            p.put("condition_names", c.names());
        });
        p.put("prior", runtime.prior().id());
        return p;
    }

    private static Map<Operation, Signature> signatures(VaeRuntime rt) {
        ImageShape s = rt.imageShape();
        long[] image = {s.channels(), s.height(), s.width()};
        ConditionSpec cond = rt.condition().orElse(null);
        List<TensorMeta> condition = cond == null ? List.of()
                : List.of(TensorMeta.fp32(CONDITION, TensorMeta.Check.UNIT, cond.dim()));
        boolean codes = rt.hasCodes();
        Manifest.Latent latent = rt.manifest().latent();
        TensorMeta codeGrid = codes ? TensorMeta.int64(CODES, TensorMeta.Check.CODE, latent.codebookSize(), latent.shape()) : null;
        long[] z = decoderLatentShape(rt);

        Map<Operation, Signature> out = new EnumMap<>(Operation.class);
        if (rt.model().latent().canEncode()) {
            List<TensorMeta> in = new ArrayList<>();
            in.add(TensorMeta.fp32(IMAGE, TensorMeta.Check.PIXELS, image));
            if (codes) {
                out.put(Operation.ENCODE, new Signature(Operation.ENCODE, in, List.of(codeGrid)));
            } else {
                in.addAll(condition);
                out.put(Operation.ENCODE, new Signature(Operation.ENCODE, in, List.of(
                        TensorMeta.fp32(MEAN, TensorMeta.Check.FINITE, z), TensorMeta.fp32(LOGVAR, TensorMeta.Check.FINITE, z))));
            }
            List<TensorMeta> rin = new ArrayList<>();
            rin.add(TensorMeta.fp32(IMAGE, TensorMeta.Check.PIXELS, image));
            rin.addAll(condition);
            out.put(Operation.RECONSTRUCT, new Signature(Operation.RECONSTRUCT, rin,
                    List.of(TensorMeta.fp32(RECONSTRUCTION, TensorMeta.Check.PIXELS, image))));
        }
        List<TensorMeta> din = new ArrayList<>();
        din.add(codes ? codeGrid : TensorMeta.fp32(LATENT, TensorMeta.Check.FINITE, z));
        din.addAll(condition);
        TensorMeta imageOut = TensorMeta.fp32(IMAGE, TensorMeta.Check.PIXELS, image);
        out.put(Operation.DECODE, new Signature(Operation.DECODE, din, List.of(imageOut)));
        List<TensorMeta> sin = new ArrayList<>();
        sin.add(TensorMeta.int64(SEED, TensorMeta.Check.ANY_INTEGER, 0));
        sin.addAll(condition);
        out.put(Operation.SAMPLE, new Signature(Operation.SAMPLE, sin, List.of(imageOut)));
        return out;
    }

    /** The decoder's latent input without its batch: [D], [C, h, w], or a code grid's z_q [D, h, w]. */
    private static long[] decoderLatentShape(VaeRuntime rt) {
        Manifest.Graph g = rt.manifest().graphs().get(GraphRole.DECODER.key());
        TensorSpec t = g.input(TensorRole.LATENT).or(() -> g.input(TensorRole.LATENT_QUANTIZED)).orElseThrow();
        long[] shape = t.shape();
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /**
     * Runs {@code operation} on {@code n} items whose inputs passed {@link InferValidation}; the outputs by
     * name, each with {@code n} items.
     */
    Map<String, Values> run(Operation operation, Map<String, Values> in, int n) {
        Values y = in.get(CONDITION);
        float[] cond = y == null ? null : y.floats();
        Signature sig = signatures.get(operation);
        Map<String, Values> out = new LinkedHashMap<>();
        switch (operation) {
            case RECONSTRUCT -> {
                TensorMeta o = sig.outputs().get(0);
                out.put(o.name(), Values.ofFloats(runtime.reconstruct(in.get(IMAGE).floats(), cond, n), n, o.itemShape()));
            }
            case ENCODE -> {
                if (runtime.hasCodes()) {
                    float[] ze = runtime.encodeGrid(in.get(IMAGE).floats(), n);
                    TensorMeta o = sig.outputs().get(0);
                    out.put(o.name(), Values.ofLongs(runtime.quantize(ze, n).indices(), n, o.itemShape()));
                } else {
                    Posterior q = runtime.encode(in.get(IMAGE).floats(), cond, n);
                    out.put(MEAN, Values.ofFloats(q.mu(), n, sig.outputs().get(0).itemShape()));
                    out.put(LOGVAR, Values.ofFloats(q.logvar(), n, sig.outputs().get(1).itemShape()));
                }
            }
            case DECODE -> {
                float[] x;
                if (runtime.hasCodes()) {
                    CodeGridHead head = runtime.model().codes().orElseThrow();
                    x = head.decode(head.lookUp(in.get(CODES).longs(), n), cond, n);
                } else {
                    x = runtime.decode(in.get(LATENT).floats(), cond, n);
                }
                out.put(IMAGE, Values.ofFloats(x, n, sig.outputs().get(0).itemShape()));
            }
            case SAMPLE -> {
                long[] seeds = in.get(SEED).longs();
                out.put(IMAGE, Values.ofFloats(runtime.decodeDraw(draws(runtime.prior(), seeds), cond), n,
                        sig.outputs().get(0).itemShape()));
            }
            default -> throw new IllegalStateException("operation " + operation);
        }
        return out;
    }

    /**
     * One prior draw per seed, each from its own generator, so that an item's sample is
     * {@code VaeRuntime.sample(1, seed)} whichever batch it ran in.
     */
    static Prior.Draw draws(Prior prior, long[] seeds) {
        int n = seeds.length;
        float[] latents = null;
        long[] codes = null;
        for (int i = 0; i < n; i++) {
            Prior.Draw d = prior.sample(1, new Random(seeds[i]));
            if (d.latents() != null) {
                latents = latents == null ? new float[n * d.latents().length] : latents;
                System.arraycopy(d.latents(), 0, latents, i * d.latents().length, d.latents().length);
            } else {
                codes = codes == null ? new long[n * d.codes().length] : codes;
                System.arraycopy(d.codes(), 0, codes, i * d.codes().length, d.codes().length);
            }
        }
        return new Prior.Draw(latents, codes, n);
    }
}
