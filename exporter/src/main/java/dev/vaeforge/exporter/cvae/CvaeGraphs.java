package dev.vaeforge.exporter;

import dev.vaeforge.runtime.bundle.BundleFormat;
import dev.vaeforge.runtime.bundle.BundleReader;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.trainer.cvae.ConditionalEncoder;
import dev.vaeforge.trainer.cvae.ConditionalVae;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph set of the cvae family (decision 0009): {@code encoder} (x[N,C,H,W], y[N,A]) -> mu[N,D],
 * logvar[N,D], with y concatenated to the flattened convolutional features before the heads, and
 * {@code decoder} (z[N,D], y[N,A]) -> x_hat[N,C,H,W] = sigmoid(decoder([z, y])).
 */
final class CvaeGraphs {
    private CvaeGraphs() {
    }

    static List<TensorSpec> encoderInputs(ImageShape s, int a) {
        return List.of(new TensorSpec("x", "float32", new long[] {-1, s.channels(), s.height(), s.width()}),
                new TensorSpec(BundleReader.Y_INPUT, "float32", new long[] {-1, a}));
    }

    static List<TensorSpec> decoderInputs(int d, int a) {
        return List.of(new TensorSpec("z", "float32", new long[] {-1, d}),
                new TensorSpec(BundleReader.Y_INPUT, "float32", new long[] {-1, a}));
    }

    static ModelProto encoder(ConditionalVae cvae, Map<String, String> metadata) {
        ImageShape s = cvae.config().imageShape();
        int d = cvae.config().latentDim();
        int a = cvae.config().condition().dim();
        GraphBuilder g = new GraphBuilder("encoder");
        String x = g.input("x", DType.FLOAT, -1, s.channels(), s.height(), s.width());
        String y = g.input(BundleReader.Y_INPUT, DType.FLOAT, -1, a);
        ConditionalEncoder enc = cvae.encoder();
        String h = BlockTranslator.translate(enc.body(), x, g, "encoder/body");
        String hy = g.op("Concat").in(h, y).attr("axis", 1L).out("encoder.concat_y");
        String mu = BlockTranslator.translate(enc.muHead(), hy, g, "encoder/mu");
        String logvar = BlockTranslator.translate(enc.logvarHead(), hy, g, "encoder/logvar");
        g.output("mu", mu, DType.FLOAT, -1, d);
        g.output("logvar", logvar, DType.FLOAT, -1, d);
        return g.build(withRole(metadata, GraphRole.ENCODER));
    }

    static ModelProto decoder(ConditionalVae cvae, Map<String, String> metadata) {
        ImageShape s = cvae.config().imageShape();
        int d = cvae.config().latentDim();
        int a = cvae.config().condition().dim();
        GraphBuilder g = new GraphBuilder("decoder");
        String z = g.input("z", DType.FLOAT, -1, d);
        String y = g.input(BundleReader.Y_INPUT, DType.FLOAT, -1, a);
        String zy = g.op("Concat").in(z, y).attr("axis", 1L).out("decoder.concat_y");
        String logits = BlockTranslator.translate(cvae.decoder().net(), zy, g, "decoder");
        String xHat = g.op("Sigmoid").in(logits).out("decoder.sigmoid");
        g.output("x_hat", xHat, DType.FLOAT, -1, s.channels(), s.height(), s.width());
        return g.build(withRole(metadata, GraphRole.DECODER));
    }

    private static Map<String, String> withRole(Map<String, String> metadata, GraphRole role) {
        Map<String, String> m = new HashMap<>(metadata);
        m.put(BundleFormat.METADATA_ROLE, role.key());
        return m;
    }
}
