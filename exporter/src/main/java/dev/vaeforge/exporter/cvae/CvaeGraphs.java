package dev.vaeforge.exporter.cvae;

import dev.vaeforge.exporter.BlockTranslator;
import dev.vaeforge.exporter.Tensors;
import dev.vaeforge.exporter.vae.VaeGraphs;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.trainer.cvae.ConditionalEncoder;
import dev.vaeforge.trainer.cvae.ConditionalVae;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cvae's graphs (decision 0009): {@code encoder} (x[N,C,H,W], y[N,A]) -> mu[N,D], logvar[N,D], with
 * y concatenated to the flattened convolutional features before the heads, and {@code decoder}
 * (z[N,D], y[N,A]) -> x_hat[N,C,H,W] = sigmoid(decoder([z, y])).
 */
final class CvaeGraphs {
    private CvaeGraphs() {
    }

    static List<TensorSpec> encoderInputs(ImageShape s, int a) {
        return List.of(Tensors.image(s), Tensors.condition(a));
    }

    static List<TensorSpec> decoderInputs(int d, int a) {
        List<TensorSpec> in = new ArrayList<>(VaeGraphs.decoderInputs(d));
        in.add(Tensors.condition(a));
        return in;
    }

    static ModelProto encoder(ConditionalVae cvae, Map<String, String> metadata) {
        var c = cvae.config();
        ImageShape s = c.imageShape();
        int d = c.latentDim();
        int a = c.condition().dim();
        GraphBuilder g = new GraphBuilder("encoder");
        String x = g.input(Tensors.IMAGE, DType.FLOAT, -1, s.channels(), s.height(), s.width());
        String y = g.input(Tensors.CONDITION, DType.FLOAT, -1, a);
        ConditionalEncoder enc = cvae.encoder();
        String h = BlockTranslator.translate(enc.body(), x, g, "encoder/body");
        String hy = g.op("Concat").in(h, y).attr("axis", 1L).out("encoder.concat_y");
        String mu = BlockTranslator.translate(enc.muHead(), hy, g, "encoder/mu");
        String logvar = BlockTranslator.translate(enc.logvarHead(), hy, g, "encoder/logvar");
        g.output("mu", mu, DType.FLOAT, -1, d);
        g.output("logvar", logvar, DType.FLOAT, -1, d);
        return g.build(metadata);
    }

    static ModelProto decoder(ConditionalVae cvae, Map<String, String> metadata) {
        var c = cvae.config();
        ImageShape s = c.imageShape();
        int d = c.latentDim();
        int a = c.condition().dim();
        GraphBuilder g = new GraphBuilder("decoder");
        String z = g.input("z", DType.FLOAT, -1, d);
        String y = g.input(Tensors.CONDITION, DType.FLOAT, -1, a);
        String zy = g.op("Concat").in(z, y).attr("axis", 1L).out("decoder.concat_y");
        String logits = BlockTranslator.translate(cvae.decoder().net(), zy, g, "decoder");
        String xHat = g.op("Sigmoid").in(logits).out("decoder.sigmoid");
        g.output(Tensors.RECONSTRUCTION, xHat, DType.FLOAT, -1, s.channels(), s.height(), s.width());
        return g.build(metadata);
    }
}
