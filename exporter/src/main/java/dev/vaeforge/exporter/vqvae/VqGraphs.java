package dev.vaeforge.exporter;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.bundle.BundleFormat;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.Sessions;
import dev.vaeforge.trainer.model.VqVaeConfig;
import dev.vaeforge.trainer.nn.Activation;
import dev.vaeforge.trainer.vqvae.VectorQuantizer;
import dev.vaeforge.trainer.vqvae.VqVae;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The three graphs of a VQ-VAE (van den Oord et al. 2017) and their parity checks against DJL:
 * <ul>
 *   <li>{@code encoder}: x[N,C,H,W] -> z_e[N,D,h,w];</li>
 *   <li>{@code quantizer}: z_e[N,D,h,w] -> indices[N,h,w] int64, z_q[N,D,h,w], codebook[K,D]. The codebook
 *   is the graph's initializer, read by a Gather for z_q and returned unchanged as the third output, so a
 *   runtime that samples codes can turn them into z_q without any other file. The nearest code is
 *   ArgMin over ||z||^2 - 2 z.e + ||e||^2 (ties: first index), the same formula as
 *   {@link VectorQuantizer#nearest};</li>
 *   <li>{@code decoder}: z_q[N,D,h,w] -> x_hat[N,C,H,W] = sigmoid(decoder logits).</li>
 * </ul>
 * Not yet reachable from {@code Exporter}: the family is not in {@code ModelFamily} yet.
 */
public final class VqGraphs {
    private VqGraphs() {
    }

    public static ModelProto encoder(VqVae vq, Map<String, String> metadata) {
        VqVaeConfig c = vq.config();
        ImageShape s = c.imageShape();
        GraphBuilder g = new GraphBuilder("encoder");
        String x = g.input("x", DType.FLOAT, -1, s.channels(), s.height(), s.width());
        String ze = BlockTranslator.translate(vq.encoder(), x, g, "encoder");
        g.output("z_e", ze, DType.FLOAT, -1, c.codeDim(), c.gridSize(), c.gridSize());
        return g.build(withRole(metadata, GraphRole.ENCODER));
    }

    public static ModelProto quantizer(VqVae vq, Map<String, String> metadata) {
        VqVaeConfig c = vq.config();
        int k = c.codebookSize();
        int d = c.codeDim();
        int h = c.gridSize();
        float[] book = vq.quantizer().codebook().getArray().toFloatArray();
        GraphBuilder g = new GraphBuilder("quantizer");
        String ze = g.input("z_e", DType.FLOAT, -1, d, h, h);
        String cb = g.initializer("quantizer.codebook", book, k, d);
        String flat = g.op("Reshape").in(g.op("Transpose").in(ze).attrInts("perm", 0, 2, 3, 1).out("quantizer.nhwd"),
                g.ints("quantizer.flat_shape", -1, d)).out("quantizer.flat");
        String axis1 = g.ints("quantizer.axis1", 1);
        String zz = g.op("ReduceSum").in(g.op("Mul").in(flat, flat).out("quantizer.z2"), axis1).attr("keepdims", 1L)
                .out("quantizer.z_norm");
        String ee = g.op("ReduceSum").in(g.op("Mul").in(cb, cb).out("quantizer.e2"), axis1).attr("keepdims", 0L)
                .out("quantizer.e_norm");
        String dot = g.op("MatMul").in(flat, g.op("Transpose").in(cb).attrInts("perm", 1, 0).out("quantizer.codebook_t"))
                .out("quantizer.dot");
        String dist = g.op("Add").in(g.op("Sub").in(zz, g.op("Mul").in(dot, g.scalar("quantizer.two", 2f))
                .out("quantizer.dot2")).out("quantizer.partial"), ee).out("quantizer.dist");
        String idx = g.op("ArgMin").in(dist).attr("axis", 1L).attr("keepdims", 0L).attr("select_last_index", 0L)
                .out("quantizer.argmin");
        String zqFlat = g.op("Gather").in(cb, idx).attr("axis", 0L).out("quantizer.gather");
        String zq = g.op("Transpose").in(g.op("Reshape").in(zqFlat, g.ints("quantizer.nhwd_shape", -1, h, h, d))
                .out("quantizer.zq_nhwd")).attrInts("perm", 0, 3, 1, 2).out("quantizer.zq");
        String indices = g.op("Reshape").in(idx, g.ints("quantizer.grid_shape", -1, h, h)).out("quantizer.indices");
        String book2 = g.op("Identity").in(cb).out("quantizer.codebook_out");
        g.output("indices", indices, DType.INT64, -1, h, h);
        g.output("z_q", zq, DType.FLOAT, -1, d, h, h);
        g.output("codebook", book2, DType.FLOAT, k, d);
        return g.build(withRole(metadata, GraphRole.QUANTIZER));
    }

    public static ModelProto decoder(VqVae vq, Map<String, String> metadata) {
        VqVaeConfig c = vq.config();
        ImageShape s = c.imageShape();
        GraphBuilder g = new GraphBuilder("decoder");
        String zq = g.input("z_q", DType.FLOAT, -1, c.codeDim(), c.gridSize(), c.gridSize());
        String logits = BlockTranslator.translate(vq.decoder(), zq, g, "decoder");
        String xHat = g.op("Sigmoid").in(logits).out("decoder.sigmoid");
        g.output("x_hat", xHat, DType.FLOAT, -1, s.channels(), s.height(), s.width());
        return g.build(withRole(metadata, GraphRole.DECODER));
    }

    /** max |ORT - DJL| of the encoder on {@code batch} random images in [0,1]. */
    public static double encoderParity(VqVae vq, ModelProto encoder, int batch, long seed) {
        ImageShape s = vq.config().imageShape();
        long[] shape = {batch, s.channels(), s.height(), s.width()};
        return ParityCheck.maxAbsDifference(vq.encoder(), encoder.toByteArray(),
                java.util.List.of(new ParityCheck.Feed("x", uniform(shape, seed), shape)), java.util.List.of("z_e"), l -> l);
    }

    /** max |ORT - DJL| of the decoder (DJL logits through a sigmoid) on random z_q ~ N(0, 1). */
    public static double decoderParity(VqVae vq, ModelProto decoder, int batch, long seed) {
        VqVaeConfig c = vq.config();
        long[] shape = {batch, c.codeDim(), c.gridSize(), c.gridSize()};
        return ParityCheck.maxAbsDifference(vq.decoder(), decoder.toByteArray(),
                java.util.List.of(new ParityCheck.Feed("z_q", normal(shape, seed, 1f), shape)), java.util.List.of("x_hat"),
                l -> new NDList(Activation.sigmoid().apply(l.singletonOrThrow())));
    }

    /** The quantizer graph against DJL on the same z_e. */
    public record QuantizerParity(long positions, long indexMismatches, double zqMaxAbs, double codebookMaxAbs) {
    }

    /**
     * Feeds random z_e ~ N(0, s^2), s the codebook's RMS value (so that distances to several codes are
     * comparable and exact ties have probability ~0), to the quantizer graph and to {@link VectorQuantizer}
     * in inference mode: indices must be equal, z_q and the codebook output close.
     */
    public static QuantizerParity quantizerParity(VqVae vq, ModelProto quantizer, int batch, long seed) {
        VqVaeConfig c = vq.config();
        float[] book = vq.quantizer().codebook().getArray().toFloatArray();
        double ss = 0;
        for (float v : book) {
            ss += (double) v * v;
        }
        float rms = (float) Math.sqrt(ss / book.length);
        long[] shape = {batch, c.codeDim(), c.gridSize(), c.gridSize()};
        float[] ze = normal(shape, seed, rms > 0 ? rms : 1f);
        long[] ortIdx;
        float[] ortZq;
        float[] ortBook;
        try (OrtSession session = Sessions.create(quantizer.toByteArray(), "quantizer parity", Device.CPU);
             OnnxTensor in = OnnxTensor.createTensor(Sessions.environment(), FloatBuffer.wrap(ze), shape);
             OrtSession.Result r = session.run(Map.of("z_e", in), Set.of("indices", "z_q", "codebook"))) {
            LongBuffer lb = ((OnnxTensor) r.get("indices").orElseThrow()).getLongBuffer();
            ortIdx = new long[lb.remaining()];
            lb.get(ortIdx);
            ortZq = floats((OnnxTensor) r.get("z_q").orElseThrow());
            ortBook = floats((OnnxTensor) r.get("codebook").orElseThrow());
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on the quantizer graph: " + e.getMessage(), e);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDList out = vq.quantizer().forward(new ParameterStore(m, false), new NDList(m.create(ze, new Shape(shape))), false);
            long[] djlIdx = out.get(3).toLongArray();
            float[] djlZq = out.get(2).toFloatArray();
            if (djlIdx.length != ortIdx.length || djlZq.length != ortZq.length || book.length != ortBook.length) {
                throw new IllegalStateException("quantizer outputs differ in size between DJL and ONNX Runtime");
            }
            long mismatches = 0;
            for (int i = 0; i < djlIdx.length; i++) {
                mismatches += djlIdx[i] == ortIdx[i] ? 0 : 1;
            }
            return new QuantizerParity(djlIdx.length, mismatches, maxAbs(djlZq, ortZq), maxAbs(book, ortBook));
        }
    }

    private static float[] floats(OnnxTensor t) {
        FloatBuffer fb = t.getFloatBuffer();
        float[] a = new float[fb.remaining()];
        fb.get(a);
        return a;
    }

    private static double maxAbs(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double diff = Math.abs((double) a[i] - b[i]);
            if (Double.isNaN(diff)) {
                return Double.NaN;
            }
            max = Math.max(max, diff);
        }
        return max;
    }

    private static float[] uniform(long[] shape, long seed) {
        Random r = new Random(seed);
        float[] a = new float[(int) count(shape)];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat();
        }
        return a;
    }

    private static float[] normal(long[] shape, long seed, float scale) {
        Random r = new Random(seed);
        float[] a = new float[(int) count(shape)];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian() * scale;
        }
        return a;
    }

    private static long count(long[] shape) {
        long n = 1;
        for (long v : shape) {
            n *= v;
        }
        return n;
    }

    private static Map<String, String> withRole(Map<String, String> metadata, GraphRole role) {
        Map<String, String> m = new HashMap<>(metadata);
        m.put(BundleFormat.METADATA_ROLE, role.key());
        return m;
    }
}
