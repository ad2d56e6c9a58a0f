package dev.vaeforge.runtime.quantize;

import dev.vaeforge.runtime.bundle.BundleFormat;
import dev.vaeforge.runtime.bundle.BundleWriter;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A tiny convolutional VAE in the shape vaeforge exports, built with GraphBuilder (no DJL), on 1x12x12
 * images with D = 3: encoder Conv 3x3/2 (4) - BatchNormalization - LeakyRelu 0.2 - Flatten - Gemm to
 * mean and log-variance; decoder Gemm - Reshape [4, 6, 6] - nearest Resize x2 - Conv 3x3 (1) - Sigmoid.
 */
final class ConvVaeGraphs {
    static final int S = 12;
    static final int D = 3;
    static final int F = 4;

    private ConvVaeGraphs() {
    }

    static ModelProto encoder(long seed) {
        Random r = new Random(seed);
        GraphBuilder e = new GraphBuilder("encoder");
        String x = e.input("x", DType.FLOAT, -1, 1, S, S);
        String c = e.op("Conv").in(x, e.initializer("w1", normal(r, F * 9, 0.5), F, 1, 3, 3),
                        e.initializer("b1", normal(r, F, 0.1), F))
                .attrInts("kernel_shape", 3, 3).attrInts("strides", 2, 2).attrInts("pads", 1, 1, 1, 1).out("conv1");
        String bn = e.op("BatchNormalization").in(c, e.initializer("g", uniform(r, F, 0.5, 1.5), F),
                        e.initializer("beta", normal(r, F, 0.1), F), e.initializer("mean", normal(r, F, 0.1), F),
                        e.initializer("var", uniform(r, F, 0.5, 2), F))
                .attr("epsilon", 1e-5f).out("bn1");
        String a = e.op("LeakyRelu").in(bn).attr("alpha", 0.2f).out("act1");
        String flat = e.op("Flatten").in(a).attr("axis", 1L).out("flat");
        int hidden = F * (S / 2) * (S / 2);
        String mu = e.op("Gemm").in(flat, e.initializer("wmu", normal(r, D * hidden, 0.3), D, hidden),
                e.initializer("bmu", normal(r, D, 0.1), D)).attr("transB", 1L).out("mu");
        String lv = e.op("Gemm").in(flat, e.initializer("wlv", normal(r, D * hidden, 0.1), D, hidden),
                e.initializer("blv", normal(r, D, 0.1), D)).attr("transB", 1L).out("lv");
        e.output("mu", mu, DType.FLOAT, -1, D);
        e.output("logvar", lv, DType.FLOAT, -1, D);
        return e.build(Map.of());
    }

    static ModelProto decoder(long seed) {
        Random r = new Random(seed + 1);
        GraphBuilder d = new GraphBuilder("decoder");
        String z = d.input("z", DType.FLOAT, -1, D);
        int hidden = F * (S / 2) * (S / 2);
        String h = d.op("Gemm").in(z, d.initializer("wh", normal(r, hidden * D, 0.5), hidden, D),
                d.initializer("bh", normal(r, hidden, 0.1), hidden)).attr("transB", 1L).out("h");
        String grid = d.op("Reshape").in(h, d.ints("grid", -1, F, S / 2, S / 2)).out("grid");
        String up = d.op("Resize").in(grid, "", d.initializer("scales", new float[] {1, 1, 2, 2}, 4))
                .attr("mode", "nearest").attr("coordinate_transformation_mode", "asymmetric")
                .attr("nearest_mode", "floor").out("up");
        String c = d.op("Conv").in(up, d.initializer("w2", normal(r, F * 9, 0.4), 1, F, 3, 3),
                        d.initializer("b2", new float[] {0.05f}, 1))
                .attrInts("kernel_shape", 3, 3).attrInts("pads", 1, 1, 1, 1).out("conv2");
        d.output("x_hat", d.op("Sigmoid").in(c).out("img"), DType.FLOAT, -1, 1, S, S);
        return d.build(Map.of());
    }

    /** The two graphs as a format-2 bundle at {@code dir}. */
    static Manifest writeBundle(Path dir, long seed) {
        Map<GraphRole, byte[]> graphs = new EnumMap<>(GraphRole.class);
        graphs.put(GraphRole.ENCODER, encoder(seed).toByteArray());
        graphs.put(GraphRole.DECODER, decoder(seed).toByteArray());
        TensorSpec image = new TensorSpec("x", "float32", new long[] {-1, 1, S, S}, TensorRole.IMAGE);
        Map<String, Manifest.Graph> specs = Map.of(
                "encoder", new Manifest.Graph(null, null, List.of(image), List.of(
                        new TensorSpec("mu", "float32", new long[] {-1, D}, TensorRole.LATENT_MEAN),
                        new TensorSpec("logvar", "float32", new long[] {-1, D}, TensorRole.LATENT_LOGVAR))),
                "decoder", new Manifest.Graph(null, null,
                        List.of(new TensorSpec("z", "float32", new long[] {-1, D}, TensorRole.LATENT)),
                        List.of(new TensorSpec("x_hat", "float32", new long[] {-1, 1, S, S}, TensorRole.RECONSTRUCTION,
                                TensorRole.VALUES_PROBABILITIES))));
        Manifest m = new Manifest(BundleFormat.FORMAT, BundleFormat.VERSION, "tiny-conv", "2026-01-01T00:00:00Z", "vae",
                new Manifest.Image(1, S, S, new double[] {0, 1}), new Manifest.Likelihood("bernoulli", null),
                Manifest.Latent.gaussian(D), null, new Manifest.Prior("standard-normal"), GraphBuilder.OPSET, specs,
                new Manifest.Parity(1e-4, 8, 1, Map.of("encoder", 0.0, "decoder", 0.0)), null);
        return BundleWriter.write(dir, m, graphs, false);
    }

    /** {@code n} seeded smooth images (blobs), so that reconstructions are not noise. */
    static ArrayDataset images(int n, long seed, int size) {
        Random r = new Random(seed);
        float[] px = new float[n * size * size];
        for (int i = 0; i < n; i++) {
            double cx = r.nextDouble() * size;
            double cy = r.nextDouble() * size;
            double rad = 1 + r.nextDouble() * size / 3;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double d = Math.hypot(x - cx, y - cy);
                    px[i * size * size + y * size + x] = (float) Math.max(0, Math.min(1, 1.2 - d / rad));
                }
            }
        }
        return new ArrayDataset("blobs", new ImageShape(1, size, size), px, null, List.of());
    }

    static float[] normal(Random r, int n, double sd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * sd);
        }
        return v;
    }

    static float[] uniform(Random r, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return v;
    }
}
