package dev.vaeforge.exporter;

import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.trainer.model.VaeGanConfig;
import dev.vaeforge.trainer.vaegan.Discriminator;
import java.util.List;
import java.util.Map;

/**
 * The vaegan's third graph, {@code discriminator}: x[N,C,H,W] in [0,1] -> logit[N,1] (of "x is a real
 * image"; apply a sigmoid for the probability) and features[N,F,h,w], the feature map Dis_l the
 * reconstruction loss was measured on. Its encoder and decoder are the VAE's ({@link VaeGraphs}).
 */
final class VaeGanGraphs {
    private VaeGanGraphs() {
    }

    static List<TensorSpec> discriminatorOutputs(VaeGanConfig c) {
        long[] f = c.featureShape();
        return List.of(new TensorSpec("logit", "float32", new long[] {-1, 1}),
                new TensorSpec("features", "float32", new long[] {-1, f[0], f[1], f[2]}));
    }

    static ModelProto discriminator(Discriminator d, VaeGanConfig c, Map<String, String> metadata) {
        ImageShape s = c.imageShape();
        long[] f = c.featureShape();
        GraphBuilder g = new GraphBuilder("discriminator");
        String x = g.input("x", DType.FLOAT, -1, s.channels(), s.height(), s.width());
        String features = BlockTranslator.translate(d.features(), x, g, "discriminator/features");
        String logit = BlockTranslator.translate(d.head(), features, g, "discriminator/head");
        g.output("logit", logit, DType.FLOAT, -1, 1);
        g.output("features", features, DType.FLOAT, -1, f[0], f[1], f[2]);
        return g.build(VaeGraphs.withRole(metadata, GraphRole.DISCRIMINATOR));
    }
}
