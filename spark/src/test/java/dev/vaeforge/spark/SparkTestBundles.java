package dev.vaeforge.spark;

import dev.vaeforge.runtime.bundle.BundleFormat;
import dev.vaeforge.runtime.bundle.BundleWriter;
import dev.vaeforge.runtime.bundle.GoldenRecorder;
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
 * A tiny real format-2 bundle with golden tensors, built without DJL: a linear encoder (x -> mu, logvar) and a
 * linear decoder with a sigmoid, on gray 16x16 images (large enough for SSIM's 11x11 window), D = 3.
 */
final class SparkTestBundles {
    static final int C = 1;
    static final int H = 16;
    static final int W = 16;
    static final int D = 3;

    private SparkTestBundles() {
    }

    static Manifest write(Path dir) {
        return write(dir, H, W);
    }

    /** The same bundle for gray {@code h x w} images. */
    static Manifest write(Path dir, int height, int width) {
        Random r = new Random(5);
        int p = C * height * width;
        GraphBuilder e = new GraphBuilder("encoder");
        String x = e.input("x", DType.FLOAT, -1, C, height, width);
        String flat = e.op("Flatten").in(x).attr("axis", 1L).out("flat");
        String mu = e.op("Gemm").in(flat, e.initializer("wmu", noise(r, D * p, 0.1), D, p)).attr("transB", 1L).out("mu");
        String lv = e.op("Gemm").in(flat, e.initializer("wlv", noise(r, D * p, 0.02), D, p)).attr("transB", 1L).out("lv");
        e.output("mu", mu, DType.FLOAT, -1, D);
        e.output("logvar", lv, DType.FLOAT, -1, D);

        GraphBuilder d = new GraphBuilder("decoder");
        String z = d.input("z", DType.FLOAT, -1, D);
        String h = d.op("Gemm").in(z, d.initializer("w", noise(r, p * D, 1), p, D)).attr("transB", 1L).out("h");
        String s = d.op("Sigmoid").in(h).out("s");
        String img = d.op("Reshape").in(s, d.ints("shape", -1, C, height, width)).out("img");
        d.output("x_hat", img, DType.FLOAT, -1, C, height, width);

        Map<GraphRole, byte[]> graphs = new EnumMap<>(GraphRole.class);
        graphs.put(GraphRole.ENCODER, e.build(Map.of()).toByteArray());
        graphs.put(GraphRole.DECODER, d.build(Map.of()).toByteArray());
        Map<String, Manifest.Graph> specs = Map.of(
                "encoder", new Manifest.Graph(null, null,
                        List.of(new TensorSpec("x", "float32", new long[] {-1, C, height, width}, TensorRole.IMAGE)),
                        List.of(new TensorSpec("mu", "float32", new long[] {-1, D}, TensorRole.LATENT_MEAN),
                                new TensorSpec("logvar", "float32", new long[] {-1, D}, TensorRole.LATENT_LOGVAR))),
                "decoder", new Manifest.Graph(null, null,
                        List.of(new TensorSpec("z", "float32", new long[] {-1, D}, TensorRole.LATENT)),
                        List.of(new TensorSpec("x_hat", "float32", new long[] {-1, C, height, width}, TensorRole.RECONSTRUCTION,
                                TensorRole.VALUES_PROBABILITIES))));
        Manifest m = new Manifest(BundleFormat.FORMAT, BundleFormat.VERSION, "spark-tiny", "2026-01-01T00:00:00Z", "vae",
                new Manifest.Image(C, height, width, new double[] {0, 1}), new Manifest.Likelihood("bernoulli", null),
                Manifest.Latent.gaussian(D), null, new Manifest.Prior("standard-normal"), GraphBuilder.OPSET, specs,
                new Manifest.Parity(1e-4, 8, 1, Map.of("encoder", 0.0, "decoder", 0.0)), null);
        GoldenRecorder.Recorded golden = GoldenRecorder.record(m, graphs, GoldenRecorder.DEFAULT_SEED);
        return BundleWriter.write(dir, m.withGolden(golden.golden()), graphs, golden.files(), false);
    }

    /**
     * The same shapes conditioned on {@code kind} ("labels" or "attributes") over {@code names}: the encoder
     * reads concat(flatten(x), y), the decoder concat(z, y).
     */
    static Manifest writeConditional(Path dir, String kind, List<String> names) {
        Random r = new Random(6);
        int p = C * H * W;
        int a = names.size();
        GraphBuilder e = new GraphBuilder("encoder");
        String x = e.input("x", DType.FLOAT, -1, C, H, W);
        String ye = e.input("y", DType.FLOAT, -1, a);
        String flat = e.op("Flatten").in(x).attr("axis", 1L).out("flat");
        String xy = e.op("Concat").in(flat, ye).attr("axis", 1L).out("xy");
        String mu = e.op("Gemm").in(xy, e.initializer("wmu", noise(r, D * (p + a), 0.1), D, p + a)).attr("transB", 1L)
                .out("mu");
        String lv = e.op("Gemm").in(xy, e.initializer("wlv", noise(r, D * (p + a), 0.02), D, p + a)).attr("transB", 1L)
                .out("lv");
        e.output("mu", mu, DType.FLOAT, -1, D);
        e.output("logvar", lv, DType.FLOAT, -1, D);

        GraphBuilder d = new GraphBuilder("decoder");
        String z = d.input("z", DType.FLOAT, -1, D);
        String yd = d.input("y", DType.FLOAT, -1, a);
        String zy = d.op("Concat").in(z, yd).attr("axis", 1L).out("zy");
        String h = d.op("Gemm").in(zy, d.initializer("w", noise(r, p * (D + a), 1), p, D + a)).attr("transB", 1L).out("h");
        String s = d.op("Sigmoid").in(h).out("s");
        String img = d.op("Reshape").in(s, d.ints("shape", -1, C, H, W)).out("img");
        d.output("x_hat", img, DType.FLOAT, -1, C, H, W);

        Map<GraphRole, byte[]> graphs = new EnumMap<>(GraphRole.class);
        graphs.put(GraphRole.ENCODER, e.build(Map.of()).toByteArray());
        graphs.put(GraphRole.DECODER, d.build(Map.of()).toByteArray());
        TensorSpec y = new TensorSpec("y", "float32", new long[] {-1, a}, TensorRole.CONDITION);
        Map<String, Manifest.Graph> specs = Map.of(
                "encoder", new Manifest.Graph(null, null,
                        List.of(new TensorSpec("x", "float32", new long[] {-1, C, H, W}, TensorRole.IMAGE), y),
                        List.of(new TensorSpec("mu", "float32", new long[] {-1, D}, TensorRole.LATENT_MEAN),
                                new TensorSpec("logvar", "float32", new long[] {-1, D}, TensorRole.LATENT_LOGVAR))),
                "decoder", new Manifest.Graph(null, null,
                        List.of(new TensorSpec("z", "float32", new long[] {-1, D}, TensorRole.LATENT), y),
                        List.of(new TensorSpec("x_hat", "float32", new long[] {-1, C, H, W}, TensorRole.RECONSTRUCTION,
                                TensorRole.VALUES_PROBABILITIES))));
        Manifest m = new Manifest(BundleFormat.FORMAT, BundleFormat.VERSION, "spark-tiny-cvae", "2026-01-01T00:00:00Z",
                "cvae", new Manifest.Image(C, H, W, new double[] {0, 1}), new Manifest.Likelihood("bernoulli", null),
                Manifest.Latent.gaussian(D), new Manifest.Conditioning(kind, names), new Manifest.Prior("standard-normal"),
                GraphBuilder.OPSET, specs, new Manifest.Parity(1e-4, 8, 1, Map.of("encoder", 0.0, "decoder", 0.0)), null);
        GoldenRecorder.Recorded golden = GoldenRecorder.record(m, graphs, GoldenRecorder.DEFAULT_SEED);
        return BundleWriter.write(dir, m.withGolden(golden.golden()), graphs, golden.files(), false);
    }

    private static float[] noise(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (scale * r.nextGaussian());
        }
        return a;
    }
}
