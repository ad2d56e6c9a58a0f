package dev.vaeforge.serve.bench;

import dev.vaeforge.runtime.bundle.BundleFormat;
import dev.vaeforge.runtime.bundle.BundleWriter;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A convolutional VAE bundle on 1x64x64 images with random weights, built with the runtime's GraphBuilder
 * (no DJL): encoder conv 4x4/2 (16) - conv 4x4/2 (32) - linear to mean and log-variance (D = 16); decoder
 * linear - transposed conv 4x4/2 (16) - transposed conv 4x4/2 (1) - sigmoid. About 16 MFLOP per image,
 * the size of the project's small shapes models; what the load harness serves.
 */
final class ConvBundle64 {
    static final int S = 64;
    static final int D = 16;

    private ConvBundle64() {
    }

    static Path write(Path dir) {
        Random r = new Random(64);
        GraphBuilder e = new GraphBuilder("encoder");
        String x = e.input("x", DType.FLOAT, -1, 1, S, S);
        String c1 = relu(e, conv(e, "Conv", x, weights(e, r, "w1", 16, 1, 4, 4), bias(e, "b1", 16)));
        String c2 = relu(e, conv(e, "Conv", c1, weights(e, r, "w2", 32, 16, 4, 4), bias(e, "b2", 32)));
        String flat = e.op("Flatten").in(c2).attr("axis", 1L).out("flat");
        int hidden = 32 * 16 * 16;
        String mu = e.op("Gemm").in(flat, weights(e, r, "wmu", D, hidden)).attr("transB", 1L).out("mu");
        String lv = e.op("Gemm").in(flat, weights(e, r, "wlv", D, hidden)).attr("transB", 1L).out("lv");
        e.output("mu", mu, DType.FLOAT, -1, D);
        e.output("logvar", lv, DType.FLOAT, -1, D);

        GraphBuilder d = new GraphBuilder("decoder");
        String z = d.input("z", DType.FLOAT, -1, D);
        String h = relu(d, d.op("Gemm").in(z, weights(d, r, "wh", hidden, D)).attr("transB", 1L).out("h"));
        String grid = d.op("Reshape").in(h, d.ints("grid", -1, 32, 16, 16)).out("grid");
        String u1 = relu(d, conv(d, "ConvTranspose", grid, weights(d, r, "u1", 32, 16, 4, 4), bias(d, "ub1", 16)));
        String u2 = conv(d, "ConvTranspose", u1, weights(d, r, "u2", 16, 1, 4, 4), bias(d, "ub2", 1));
        d.output("x_hat", d.op("Sigmoid").in(u2).out("img"), DType.FLOAT, -1, 1, S, S);

        Map<GraphRole, byte[]> graphs = new EnumMap<>(GraphRole.class);
        graphs.put(GraphRole.ENCODER, e.build(Map.of()).toByteArray());
        graphs.put(GraphRole.DECODER, d.build(Map.of()).toByteArray());
        TensorSpec image = new TensorSpec("x", "float32", new long[] {-1, 1, S, S}, TensorRole.IMAGE);
        Map<String, Manifest.Graph> specs = Map.of(
                "encoder", new Manifest.Graph(null, null, List.of(image), List.of(
                        new TensorSpec("mu", "float32", new long[] {-1, D}, TensorRole.LATENT_MEAN),
                        new TensorSpec("logvar", "float32", new long[] {-1, D}, TensorRole.LATENT_LOGVAR))),
                "decoder", new Manifest.Graph(null, null, List.of(new TensorSpec("z", "float32", new long[] {-1, D}, TensorRole.LATENT)),
                        List.of(new TensorSpec("x_hat", "float32", new long[] {-1, 1, S, S}, TensorRole.RECONSTRUCTION,
                                TensorRole.VALUES_PROBABILITIES))));
        Manifest m = new Manifest(BundleFormat.FORMAT, BundleFormat.VERSION, "bench-conv64", "2026-01-01T00:00:00Z", "vae",
                new Manifest.Image(1, S, S, new double[] {0, 1}), new Manifest.Likelihood("bernoulli", null),
                Manifest.Latent.gaussian(D), null, new Manifest.Prior("standard-normal"), GraphBuilder.OPSET, specs,
                new Manifest.Parity(1e-4, 8, 1, Map.of("encoder", 0.0, "decoder", 0.0)), null);
        BundleWriter.write(dir, m, graphs, true);
        return dir;
    }

    private static String conv(GraphBuilder g, String op, String in, String w, String b) {
        return g.op(op).in(in, w, b).attrInts("kernel_shape", 4, 4).attrInts("strides", 2, 2).attrInts("pads", 1, 1, 1, 1)
                .out(op.toLowerCase());
    }

    private static String relu(GraphBuilder g, String in) {
        return g.op("Relu").in(in).out("relu");
    }

    private static String weights(GraphBuilder g, Random r, String name, long... dims) {
        long n = 1;
        for (long k : dims) {
            n *= k;
        }
        long fanIn = n / dims[0];
        float scale = (float) Math.sqrt(2.0 / fanIn);
        float[] w = new float[(int) n];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian() * scale;
        }
        return g.initializer(name, w, dims);
    }

    private static String bias(GraphBuilder g, String name, int n) {
        return g.initializer(name, new float[n], n);
    }
}
