package dev.vaeforge.runtime.bundle;

import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Format-2 bundles written with the runtime's own {@link GraphBuilder}, with fixed weights whose outputs
 * have a closed form. {@code bundles/v2-moments-logits} in the test resources is {@link #writeMoments}
 * with values "logits"; regenerate it only on purpose ({@code FormatV2FixtureTest}, -Dvaeforge.regenerate=true).
 */
public final class V2Fixtures {
    /** Images 1x2x2 (P = 4 values), a Gaussian latent of D = 2. */
    public static final int P = 4;
    public static final int D = 2;
    /** Encoder: moments = W x' with x' = 2x - 1 (pixel range [-1, 1]); mean = (x'0, x'1), logvar = (x'2 / 2, -x'3 / 2). */
    public static final float[] W = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0.5f, 0, 0, 0, 0, -0.5f};
    /** Decoder: out = V z, out = (z0, z1, z0 + z1, z0 - z1). */
    public static final float[] V = {1, 0, 0, 1, 1, 1, 1, -1};

    private V2Fixtures() {
    }

    /**
     * A Gaussian bundle on pixel range [-1, 1]: the encoder's one latent-moments output [N, 2D] (mean first),
     * the decoder's reconstruction {@code values} "logits" (pixels = sigmoid(V z)) or "pixels" (V z in [-1, 1]).
     */
    public static Manifest writeMoments(Path dir, String values) {
        return writeMoments(dir, values, new Manifest.Prior(Manifest.Prior.STANDARD_NORMAL), Map.of());
    }

    /** {@link #writeMoments(Path, String)} with another prior and the files it names. */
    public static Manifest writeMoments(Path dir, String values, Manifest.Prior prior, Map<String, byte[]> files) {
        GraphBuilder e = new GraphBuilder("encoder");
        String x = e.input("image", DType.FLOAT, -1, 1, 2, 2);
        String flat = e.op("Flatten").in(x).attr("axis", 1L).out("flat");
        String m = e.op("Gemm").in(flat, e.initializer("w", W, 2 * D, P)).attr("transB", 1L).out("m");
        e.output("moments", m, DType.FLOAT, -1, 2 * D);

        GraphBuilder d = new GraphBuilder("decoder");
        String z = d.input("code", DType.FLOAT, -1, D);
        String h = d.op("Gemm").in(z, d.initializer("v", V, P, D)).attr("transB", 1L).out("h");
        String img = d.op("Reshape").in(h, d.ints("shape", -1, 1, 2, 2)).out("img");
        d.output("out", img, DType.FLOAT, -1, 1, 2, 2);

        Map<GraphRole, byte[]> graphs = new EnumMap<>(GraphRole.class);
        graphs.put(GraphRole.ENCODER, e.build(Map.of()).toByteArray());
        graphs.put(GraphRole.DECODER, d.build(Map.of()).toByteArray());
        long[] image = {-1, 1, 2, 2};
        Map<String, Manifest.Graph> specs = new LinkedHashMap<>();
        specs.put("encoder", new Manifest.Graph(null, null, List.of(new TensorSpec("image", "float32", image, TensorRole.IMAGE)),
                List.of(new TensorSpec("moments", "float32", new long[] {-1, 2 * D}, TensorRole.LATENT_MOMENTS))));
        specs.put("decoder", new Manifest.Graph(null, null, List.of(new TensorSpec("code", "float32", new long[] {-1, D},
                TensorRole.LATENT)), List.of(new TensorSpec("out", "float32", image, TensorRole.RECONSTRUCTION, values))));
        Manifest manifest = new Manifest(BundleFormat.FORMAT, BundleFormat.VERSION, "v2-moments-" + values,
                "2026-12-01T00:00:00Z", null, new Manifest.Image(1, 2, 2, new double[] {-1, 1}),
                new Manifest.Likelihood("bernoulli", null), Manifest.Latent.gaussian(D), null,
                prior, GraphBuilder.OPSET, specs,
                new Manifest.Parity(1e-4, 1, 1, Map.of("encoder", 0.0, "decoder", 0.0)), null);
        return BundleWriter.write(dir, manifest, graphs, files, false);
    }

    /**
     * A code-grid bundle on 1x2x2 images: latent codes [2, 2], code dimension 1, K = 2 codes {0, 1}; the
     * encoder passes the image through as z_e, the quantizer picks code 1 where z_e > 0.5, the decoder passes
     * z_q through (probabilities). With {@code prior} it has prior codes-empirical and code_prior.json.
     */
    public static Manifest writeCodes(Path dir, CodePrior prior) {
        long[] grid = {-1, 1, 2, 2};
        GraphBuilder e = new GraphBuilder("encoder");
        e.output("z_e", e.input("x", DType.FLOAT, grid), DType.FLOAT, grid);

        GraphBuilder q = new GraphBuilder("quantizer");
        String ze = q.input("z_e", DType.FLOAT, grid);
        String on = q.op("Greater").in(ze, q.scalar("half", 0.5f)).out("on");
        String idx = q.op("Cast").in(on).attr("to", (long) DType.INT64.onnxCode()).out("idx");
        q.output("indices", q.op("Reshape").in(idx, q.ints("hw", -1, 2, 2)).out("flat"), DType.INT64, -1, 2, 2);
        q.output("z_q", q.op("Cast").in(on).attr("to", (long) DType.FLOAT.onnxCode()).out("zq"), DType.FLOAT, grid);
        q.output("codebook", q.op("Identity").in(q.initializer("book", new float[] {0, 1}, 2, 1)).out("b"), DType.FLOAT, 2, 1);

        GraphBuilder d = new GraphBuilder("decoder");
        d.output("x_hat", d.input("z_q", DType.FLOAT, grid), DType.FLOAT, grid);

        Map<GraphRole, byte[]> graphs = new EnumMap<>(GraphRole.class);
        graphs.put(GraphRole.ENCODER, e.build(Map.of()).toByteArray());
        graphs.put(GraphRole.QUANTIZER, q.build(Map.of()).toByteArray());
        graphs.put(GraphRole.DECODER, d.build(Map.of()).toByteArray());
        Map<String, Manifest.Graph> specs = new LinkedHashMap<>();
        specs.put("encoder", new Manifest.Graph(null, null, List.of(new TensorSpec("x", "float32", grid, TensorRole.IMAGE)),
                List.of(new TensorSpec("z_e", "float32", grid, TensorRole.LATENT_UNQUANTIZED))));
        specs.put("quantizer", new Manifest.Graph(null, null, List.of(new TensorSpec("z_e", "float32", grid,
                TensorRole.LATENT_UNQUANTIZED)), List.of(new TensorSpec("indices", "int64", new long[] {-1, 2, 2},
                TensorRole.CODE_INDICES), new TensorSpec("z_q", "float32", grid, TensorRole.LATENT_QUANTIZED),
                new TensorSpec("codebook", "float32", new long[] {2, 1}, TensorRole.CODEBOOK))));
        specs.put("decoder", new Manifest.Graph(null, null, List.of(new TensorSpec("z_q", "float32", grid,
                TensorRole.LATENT_QUANTIZED)), List.of(new TensorSpec("x_hat", "float32", grid, TensorRole.RECONSTRUCTION,
                TensorRole.VALUES_PROBABILITIES))));
        Map<String, byte[]> files = new LinkedHashMap<>();
        Manifest.Prior p = new Manifest.Prior(Manifest.Prior.CODES_UNIFORM);
        if (prior != null) {
            byte[] json = Json.write(prior).getBytes(StandardCharsets.UTF_8);
            files.put(CodePrior.FILE, json);
            p = new Manifest.Prior(Manifest.Prior.CODES_EMPIRICAL, CodePrior.FILE, Hashing.sha256(json));
        }
        Manifest manifest = new Manifest(BundleFormat.FORMAT, BundleFormat.VERSION, "v2-codes", "2026-12-01T00:00:00Z",
                "codes-test", new Manifest.Image(1, 2, 2, new double[] {0, 1}), new Manifest.Likelihood("bernoulli", null),
                Manifest.Latent.codes(2, 2, 1, 2), null, p, GraphBuilder.OPSET, specs,
                new Manifest.Parity(1e-4, 1, 1, Map.of("encoder", 0.0, "quantizer", 0.0, "decoder", 0.0)), null);
        return BundleWriter.write(dir, manifest, graphs, files, false);
    }
}
