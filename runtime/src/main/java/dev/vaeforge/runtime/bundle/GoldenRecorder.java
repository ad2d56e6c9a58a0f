package dev.vaeforge.runtime.bundle;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.runtime.model.Tensor;
import dev.vaeforge.runtime.onnx.Versions;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.SessionRun;
import dev.vaeforge.runtime.session.Sessions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Computes a bundle's golden tensors before it is written ({@link Golden}): seeded images uniform in the
 * pixel range go into the encoder (and discriminator); the quantizer gets the encoder's z_e, the decoder
 * the encoder's posterior mean (a Gaussian latent) or the quantizer's z_q (codes), so every golden input
 * is one the model really sees. Everything runs on this machine's CPU with ONNX Runtime; every input and
 * output is stored as one {@code .npy} file, hashed in the manifest.
 */
public final class GoldenRecorder {
    /** Seed of the golden inputs unless a caller chooses one. */
    public static final long DEFAULT_SEED = 17L;
    /** Bytes the golden files may take together (one item more is allowed when even one item is larger). */
    static final long BUDGET_BYTES = 256 * 1024;
    static final int MAX_BATCH = 4;
    /** Relative tolerance: a graph's tolerance is this times max(1, max |golden output|). */
    public static final double RELATIVE_TOLERANCE = 1e-3;

    private static final List<GraphRole> ORDER = List.of(GraphRole.ENCODER, GraphRole.QUANTIZER, GraphRole.TOP_DOWN, GraphRole.DECODER,
            GraphRole.DISCRIMINATOR);

    /** The golden section and the files it names. */
    public record Recorded(Golden golden, Map<String, byte[]> files) {
    }

    private GoldenRecorder() {
    }

    /**
     * @param m      the bundle's manifest (graph entries with their tensor specs and roles; files and hashes may be
     *               missing still)
     * @param graphs the serialised graphs by role
     */
    public static Recorded record(Manifest m, Map<GraphRole, byte[]> graphs, long seed) {
        int batch = batch(m, graphs);
        Random rng = new Random(seed);
        Map<String, byte[]> files = new LinkedHashMap<>();
        Map<String, Golden.Graph> entries = new LinkedHashMap<>();
        float[] images = images(m, batch, rng);
        Tensor condition = condition(m, batch, rng);
        Map<GraphRole, Map<String, Tensor>> outputs = new EnumMap<>(GraphRole.class);
        for (GraphRole role : ORDER) {
            if (!graphs.containsKey(role)) {
                continue;
            }
            Manifest.Graph g = m.graphs().get(role.key());
            Map<String, Tensor> in = new LinkedHashMap<>();
            for (TensorSpec t : g.inputs()) {
                in.put(t.name(), input(m, t, batch, images, condition, outputs, rng));
            }
            Map<String, Tensor> out;
            try (OrtSession s = Sessions.create(graphs.get(role), role.fileName(), Device.CPU)) {
                out = SessionRun.run(s, in);
            } catch (OrtException e) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, role.fileName()
                        + ": ONNX Runtime failed on the golden inputs: " + e.getMessage(), e);
            }
            outputs.put(role, out);
            List<Golden.Tensor> ins = store(role, "in", in, files);
            List<Golden.Tensor> outs = store(role, "out", out, files);
            entries.put(role.key(), new Golden.Graph(tolerance(out), ins, outs));
        }
        Golden golden = new Golden(seed, batch, Device.CPU.toString(), Versions.onnxRuntime(),
                System.getProperty("os.name") + "/" + System.getProperty("os.arch"), entries);
        return new Recorded(golden, files);
    }

    /** max(1, max |float output|) times the relative tolerance. */
    static double tolerance(Map<String, Tensor> outputs) {
        double max = 1;
        for (Tensor t : outputs.values()) {
            if (t.floats() != null) {
                for (float v : t.floats()) {
                    if (Float.isFinite(v)) {
                        max = Math.max(max, Math.abs(v));
                    }
                }
            }
        }
        return RELATIVE_TOLERANCE * max;
    }

    private static List<Golden.Tensor> store(GraphRole role, String side, Map<String, Tensor> tensors,
                                             Map<String, byte[]> files) {
        List<Golden.Tensor> out = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = Golden.FILE_PREFIX + role.key() + "-" + side + i++ + ".npy";
            byte[] bytes = NpyArrays.write(e.getValue());
            files.put(name, bytes);
            out.add(new Golden.Tensor(e.getKey(), name, Hashing.sha256(bytes)));
        }
        return out;
    }

    private static Tensor input(Manifest m, TensorSpec t, int batch, float[] images, Tensor condition,
                                Map<GraphRole, Map<String, Tensor>> outputs, Random rng) {
        long[] shape = t.shape();
        shape[0] = batch;
        switch (t.role()) {
            case TensorRole.IMAGE:
                return Tensor.of(images, shape);
            case TensorRole.CONDITION:
                return condition;
            case TensorRole.LATENT_UNQUANTIZED:
                return fromOutput(outputs, GraphRole.ENCODER, TensorRole.LATENT_UNQUANTIZED, m, shape, rng);
            case TensorRole.LATENT_QUANTIZED:
                return fromOutput(outputs, GraphRole.QUANTIZER, TensorRole.LATENT_QUANTIZED, m, shape, rng);
            case TensorRole.LATENT:
                return posteriorMean(m, outputs, shape, rng, t.level());
            default:
                throw new IllegalArgumentException("no golden input for role " + t.role());
        }
    }

    private static Tensor fromOutput(Map<GraphRole, Map<String, Tensor>> outputs, GraphRole graph, String role,
                                     Manifest m, long[] shape, Random rng) {
        Map<String, Tensor> o = outputs.get(graph);
        if (o != null) {
            TensorSpec spec = m.graphs().get(graph.key()).output(role).orElseThrow();
            return o.get(spec.name());
        }
        return normal(shape, rng);
    }

    /** The encoder's mean (its latent-mean output, or the first half of each item's moments); N(0, 1) without an encoder. */
    private static Tensor posteriorMean(Manifest m, Map<GraphRole, Map<String, Tensor>> outputs, long[] shape, Random rng,
                                        String level) {
        Map<String, Tensor> o = outputs.get(GraphRole.ENCODER);
        if (o == null) {
            return normal(shape, rng);
        }
        Manifest.Graph enc = m.graphs().get(GraphRole.ENCODER.key());
        if (enc.output(TensorRole.LATENT_MEAN, level).isPresent()) {
            // a levels latent: the encoder's mean of the level the graph takes (its tensors name the level)
            return Tensor.of(o.get(enc.output(TensorRole.LATENT_MEAN, level).get().name()).floats(), shape);
        }
        float[] moments = o.get(enc.output(TensorRole.LATENT_MOMENTS).orElseThrow().name()).floats();
        int size = m.latent().size();
        int n = Math.toIntExact(shape[0]);
        float[] mu = new float[n * size];
        for (int i = 0; i < n; i++) {
            System.arraycopy(moments, i * 2 * size, mu, i * size, size);
        }
        return Tensor.of(mu, shape);
    }

    private static float[] images(Manifest m, int batch, Random rng) {
        double lo = m.image().pixelRange()[0];
        double hi = m.image().pixelRange()[1];
        float[] x = new float[batch * m.image().shape().size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (lo + (hi - lo) * rng.nextFloat());
        }
        return x;
    }

    /** One-hot rows cycling through the classes (labels), or seeded 0/1 columns (attributes). */
    private static Tensor condition(Manifest m, int batch, Random rng) {
        if (m.conditioning() == null) {
            return null;
        }
        int a = m.conditioning().names().size();
        float[] y = new float[batch * a];
        boolean labels = "labels".equals(m.conditioning().type());
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < a; j++) {
                y[i * a + j] = labels ? (j == i % a ? 1 : 0) : (rng.nextBoolean() ? 1 : 0);
            }
        }
        return Tensor.of(y, batch, a);
    }

    private static Tensor normal(long[] shape, Random rng) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] z = new float[Math.toIntExact(n)];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) rng.nextGaussian();
        }
        return Tensor.of(z, shape);
    }

    /** As many items (1 to 4) as fit the byte budget with every graph's inputs and outputs. */
    static int batch(Manifest m, Map<GraphRole, byte[]> graphs) {
        long perItem = 0;
        long fixed = 0;
        for (GraphRole role : graphs.keySet()) {
            Manifest.Graph g = m.graphs().get(role.key());
            List<TensorSpec> all = new ArrayList<>(g.inputs());
            all.addAll(g.outputs());
            for (TensorSpec t : all) {
                long[] s = t.shape();
                long n = "int64".equals(t.dtype()) ? 8 : 4;
                for (int i = 1; i < s.length; i++) {
                    n *= Math.max(1, s[i]);
                }
                if (s.length > 0 && s[0] < 0) {
                    perItem += n;
                } else {
                    fixed += n * Math.max(1, s.length > 0 ? s[0] : 1);
                }
            }
        }
        long fit = (BUDGET_BYTES - fixed) / Math.max(1, perItem);
        return (int) Math.max(1, Math.min(MAX_BATCH, fit));
    }
}
