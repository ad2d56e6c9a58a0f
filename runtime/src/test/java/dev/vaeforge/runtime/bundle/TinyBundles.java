package dev.vaeforge.runtime.bundle;

import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A minimal but real format-2 bundle built without DJL: a linear encoder (x -> mu, logvar) and a linear
 * decoder with a sigmoid (values: probabilities), on 1x4x4 images with D = 2. Lets the runtime be
 * tested on its own.
 */
public final class TinyBundles {
    public static final int C = 1;
    public static final int H = 4;
    public static final int W = 4;
    public static final int D = 2;

    private TinyBundles() {
    }

    public static Manifest write(Path dir) {
        Random r = new Random(3);
        int p = C * H * W;
        GraphBuilder e = new GraphBuilder("encoder");
        String x = e.input("x", DType.FLOAT, -1, C, H, W);
        String flat = e.op("Flatten").in(x).attr("axis", 1L).out("flat");
        String mu = e.op("Gemm").in(flat, e.initializer("wmu", noise(r, D * p), D, p)).attr("transB", 1L).out("mu");
        String lv = e.op("Gemm").in(flat, e.initializer("wlv", noise(r, D * p), D, p)).attr("transB", 1L).out("lv");
        e.output("mu", mu, DType.FLOAT, -1, D);
        e.output("logvar", lv, DType.FLOAT, -1, D);

        GraphBuilder d = new GraphBuilder("decoder");
        String z = d.input("z", DType.FLOAT, -1, D);
        String h = d.op("Gemm").in(z, d.initializer("w", noise(r, p * D), p, D)).attr("transB", 1L).out("h");
        String s = d.op("Sigmoid").in(h).out("s");
        String img = d.op("Reshape").in(s, d.ints("shape", -1, C, H, W)).out("img");
        d.output("x_hat", img, DType.FLOAT, -1, C, H, W);

        Map<GraphRole, byte[]> graphs = new EnumMap<>(GraphRole.class);
        graphs.put(GraphRole.ENCODER, e.build(Map.of()).toByteArray());
        graphs.put(GraphRole.DECODER, d.build(Map.of()).toByteArray());
        Map<String, Manifest.Graph> specs = Map.of(
                "encoder", new Manifest.Graph(null, null, List.of(image()), List.of(mean(), logvar())),
                "decoder", new Manifest.Graph(null, null, List.of(latent()), List.of(reconstruction())));
        Manifest m = new Manifest(BundleFormat.FORMAT, BundleFormat.VERSION, "tiny", "2026-01-01T00:00:00Z", "vae",
                new Manifest.Image(C, H, W, new double[] {0, 1}), new Manifest.Likelihood("bernoulli", null),
                Manifest.Latent.gaussian(D), null, new Manifest.Prior("standard-normal"), GraphBuilder.OPSET, specs,
                new Manifest.Parity(1e-4, 8, 1, Map.of("encoder", 0.0, "decoder", 0.0)), null);
        return BundleWriter.write(dir, m, graphs, false);
    }

    /**
     * A tiny conditioned bundle: the encoder reads concat(flatten(x), y), the decoder
     * concat(z, y), with y[N, names.size()] as the conditioning of {@code kind} ("labels" or "attributes").
     */
    public static Manifest writeConditional(Path dir, String kind, List<String> names) {
        Random r = new Random(4);
        int p = C * H * W;
        int a = names.size();
        GraphBuilder e = new GraphBuilder("encoder");
        String x = e.input("x", DType.FLOAT, -1, C, H, W);
        String ye = e.input("y", DType.FLOAT, -1, a);
        String flat = e.op("Flatten").in(x).attr("axis", 1L).out("flat");
        String xy = e.op("Concat").in(flat, ye).attr("axis", 1L).out("xy");
        String mu = e.op("Gemm").in(xy, e.initializer("wmu", noise(r, D * (p + a)), D, p + a)).attr("transB", 1L).out("mu");
        String lv = e.op("Gemm").in(xy, e.initializer("wlv", noise(r, D * (p + a)), D, p + a)).attr("transB", 1L).out("lv");
        e.output("mu", mu, DType.FLOAT, -1, D);
        e.output("logvar", lv, DType.FLOAT, -1, D);

        GraphBuilder d = new GraphBuilder("decoder");
        String z = d.input("z", DType.FLOAT, -1, D);
        String yd = d.input("y", DType.FLOAT, -1, a);
        String zy = d.op("Concat").in(z, yd).attr("axis", 1L).out("zy");
        String h = d.op("Gemm").in(zy, d.initializer("w", noise(r, p * (D + a)), p, D + a)).attr("transB", 1L).out("h");
        String s = d.op("Sigmoid").in(h).out("s");
        String img = d.op("Reshape").in(s, d.ints("shape", -1, C, H, W)).out("img");
        d.output("x_hat", img, DType.FLOAT, -1, C, H, W);

        Map<GraphRole, byte[]> graphs = new EnumMap<>(GraphRole.class);
        graphs.put(GraphRole.ENCODER, e.build(Map.of()).toByteArray());
        graphs.put(GraphRole.DECODER, d.build(Map.of()).toByteArray());
        TensorSpec y = new TensorSpec("y", "float32", new long[] {-1, a}, TensorRole.CONDITION);
        Map<String, Manifest.Graph> specs = Map.of(
                "encoder", new Manifest.Graph(null, null, List.of(image(), y), List.of(mean(), logvar())),
                "decoder", new Manifest.Graph(null, null, List.of(latent(), y), List.of(reconstruction())));
        Manifest m = new Manifest(BundleFormat.FORMAT, BundleFormat.VERSION, "tiny-cvae", "2026-01-01T00:00:00Z", "cvae",
                new Manifest.Image(C, H, W, new double[] {0, 1}), new Manifest.Likelihood("bernoulli", null),
                Manifest.Latent.gaussian(D), new Manifest.Conditioning(kind, names), new Manifest.Prior("standard-normal"),
                GraphBuilder.OPSET, specs, new Manifest.Parity(1e-4, 8, 1, Map.of("encoder", 0.0, "decoder", 0.0)), null);
        return BundleWriter.write(dir, m, graphs, false);
    }

    static TensorSpec image() {
        return new TensorSpec("x", "float32", new long[] {-1, C, H, W}, TensorRole.IMAGE);
    }

    static TensorSpec mean() {
        return new TensorSpec("mu", "float32", new long[] {-1, D}, TensorRole.LATENT_MEAN);
    }

    static TensorSpec logvar() {
        return new TensorSpec("logvar", "float32", new long[] {-1, D}, TensorRole.LATENT_LOGVAR);
    }

    static TensorSpec latent() {
        return new TensorSpec("z", "float32", new long[] {-1, D}, TensorRole.LATENT);
    }

    static TensorSpec reconstruction() {
        return new TensorSpec("x_hat", "float32", new long[] {-1, C, H, W}, TensorRole.RECONSTRUCTION,
                TensorRole.VALUES_PROBABILITIES);
    }

    private static float[] noise(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }
}
