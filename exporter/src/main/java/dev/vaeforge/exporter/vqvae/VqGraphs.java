package dev.vaeforge.exporter.vqvae;

import dev.vaeforge.exporter.BlockTranslator;
import dev.vaeforge.exporter.Tensors;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.trainer.vqvae.VectorQuantizer;
import dev.vaeforge.trainer.vqvae.VqVae;
import java.util.List;
import java.util.Map;

/**
 * The three graphs of a VQ-VAE (van den Oord et al. 2017):
 * <ul>
 *   <li>{@code encoder}: x[N,C,H,W] -> z_e[N,D,h,w];</li>
 *   <li>{@code quantizer}: z_e[N,D,h,w] -> indices[N,h,w] int64, z_q[N,D,h,w], codebook[K,D]. The codebook
 *   is the graph's initializer, read by a Gather for z_q and returned unchanged as the third output, so a
 *   runtime that samples codes can turn them into z_q without any other file. The nearest code is
 *   ArgMin over ||z||^2 - 2 z.e + ||e||^2 (ties: first index), the same formula as
 *   {@link VectorQuantizer#nearest};</li>
 *   <li>{@code decoder}: z_q[N,D,h,w] -> x_hat[N,C,H,W] = sigmoid(decoder logits).</li>
 * </ul>
 */
public final class VqGraphs {
    private VqGraphs() {
    }

    static long[] grid(VqVae vq) {
        var c = vq.config();
        return new long[] {-1, c.codeDim(), c.gridSize(), c.gridSize()};
    }

    static List<TensorSpec> encoderOutputs(VqVae vq) {
        return List.of(Tensors.float32("z_e", TensorRole.LATENT_UNQUANTIZED, grid(vq)));
    }

    static List<TensorSpec> quantizerInputs(VqVae vq) {
        return encoderOutputs(vq);
    }

    static List<TensorSpec> quantizerOutputs(VqVae vq) {
        var c = vq.config();
        int h = c.gridSize();
        return List.of(new TensorSpec("indices", "int64", new long[] {-1, h, h}, TensorRole.CODE_INDICES),
                Tensors.float32("z_q", TensorRole.LATENT_QUANTIZED, grid(vq)),
                Tensors.float32("codebook", TensorRole.CODEBOOK, c.codebookSize(), c.codeDim()));
    }

    static List<TensorSpec> decoderInputs(VqVae vq) {
        return List.of(Tensors.float32("z_q", TensorRole.LATENT_QUANTIZED, grid(vq)));
    }

    public static ModelProto encoder(VqVae vq, Map<String, String> metadata) {
        var c = vq.config();
        ImageShape s = c.imageShape();
        GraphBuilder g = new GraphBuilder("encoder");
        String x = g.input(Tensors.IMAGE, DType.FLOAT, -1, s.channels(), s.height(), s.width());
        String ze = BlockTranslator.translate(vq.encoder(), x, g, "encoder");
        g.output("z_e", ze, DType.FLOAT, -1, c.codeDim(), c.gridSize(), c.gridSize());
        return g.build(metadata);
    }

    public static ModelProto quantizer(VqVae vq, Map<String, String> metadata) {
        var c = vq.config();
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
        return g.build(metadata);
    }

    public static ModelProto decoder(VqVae vq, Map<String, String> metadata) {
        var c = vq.config();
        ImageShape s = c.imageShape();
        GraphBuilder g = new GraphBuilder("decoder");
        String zq = g.input("z_q", DType.FLOAT, -1, c.codeDim(), c.gridSize(), c.gridSize());
        String logits = BlockTranslator.translate(vq.decoder(), zq, g, "decoder");
        String xHat = g.op("Sigmoid").in(logits).out("decoder.sigmoid");
        g.output(Tensors.RECONSTRUCTION, xHat, DType.FLOAT, -1, s.channels(), s.height(), s.width());
        return g.build(metadata);
    }
}
