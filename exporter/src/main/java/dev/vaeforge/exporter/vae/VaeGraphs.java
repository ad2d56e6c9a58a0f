package dev.vaeforge.exporter;

import ai.djl.nn.Block;
import dev.vaeforge.runtime.bundle.BundleFormat;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.trainer.nn.ConvEncoder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph set of the VAE family: {@code encoder} x[N,C,H,W] -> mu[N,D], logvar[N,D] and
 * {@code decoder} z[N,D] -> x_hat[N,C,H,W] = sigmoid(decoder logits), pixel values in [0,1].
 */
final class VaeGraphs {
    private VaeGraphs() {
    }

    static List<TensorSpec> encoderInputs(ImageShape s) {
        return List.of(new TensorSpec("x", "float32", new long[] {-1, s.channels(), s.height(), s.width()}));
    }

    static List<TensorSpec> encoderOutputs(int d) {
        return List.of(new TensorSpec("mu", "float32", new long[] {-1, d}), new TensorSpec("logvar", "float32", new long[] {-1, d}));
    }

    static List<TensorSpec> decoderInputs(int d) {
        return List.of(new TensorSpec("z", "float32", new long[] {-1, d}));
    }

    static List<TensorSpec> decoderOutputs(ImageShape s) {
        return List.of(new TensorSpec("x_hat", "float32", new long[] {-1, s.channels(), s.height(), s.width()}));
    }

    /** x[N,C,H,W] -> mu, logvar of any family built on {@link ConvEncoder} (vae, vaegan). */
    static ModelProto encoder(ConvEncoder enc, ImageShape s, int d, Map<String, String> metadata) {
        GraphBuilder g = new GraphBuilder("encoder");
        String x = g.input("x", DType.FLOAT, -1, s.channels(), s.height(), s.width());
        String h = BlockTranslator.translate(enc.body(), x, g, "encoder/body");
        String mu = BlockTranslator.translate(enc.muHead(), h, g, "encoder/mu");
        String logvar = BlockTranslator.translate(enc.logvarHead(), h, g, "encoder/logvar");
        g.output("mu", mu, DType.FLOAT, -1, d);
        g.output("logvar", logvar, DType.FLOAT, -1, d);
        return g.build(withRole(metadata, GraphRole.ENCODER));
    }

    /** z[N,D] -> x_hat = sigmoid(logits) of any family built on {@code ConvDecoder} (vae, vaegan). */
    static ModelProto decoder(Block decoder, ImageShape s, int d, Map<String, String> metadata) {
        GraphBuilder g = new GraphBuilder("decoder");
        String z = g.input("z", DType.FLOAT, -1, d);
        String logits = BlockTranslator.translate(decoder, z, g, "decoder");
        String xHat = g.op("Sigmoid").in(logits).out("decoder.sigmoid");
        g.output("x_hat", xHat, DType.FLOAT, -1, s.channels(), s.height(), s.width());
        return g.build(withRole(metadata, GraphRole.DECODER));
    }

    static Map<String, String> withRole(Map<String, String> metadata, GraphRole role) {
        Map<String, String> m = new HashMap<>(metadata);
        m.put(BundleFormat.METADATA_ROLE, role.key());
        return m;
    }
}
