package dev.vaeforge.exporter.vaegan;

import dev.vaeforge.exporter.BlockTranslator;
import dev.vaeforge.exporter.Tensors;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.trainer.vaegan.Discriminator;
import java.util.List;
import java.util.Map;

/**
 * The vaegan's third graph, {@code discriminator}: x[N,C,H,W] in [0,1] -> logit[N,1] (of "x is a real
 * image"; apply a sigmoid for the probability) and features[N,F,h,w], the feature map Dis_l the
 * reconstruction loss was measured on. Its encoder and decoder are the VAE's
 * ({@link dev.vaeforge.exporter.vae.VaeGraphs}).
 */
final class VaeGanGraphs {
    private VaeGanGraphs() {
    }

    /** @param f the feature map's shape for one image, [F, h, w] */
    static List<TensorSpec> discriminatorOutputs(long[] f) {
        return List.of(Tensors.float32("logit", TensorRole.LOGIT, -1, 1),
                Tensors.float32("features", TensorRole.FEATURES, -1, f[0], f[1], f[2]));
    }

    static ModelProto discriminator(Discriminator d, ImageShape s, long[] f, Map<String, String> metadata) {
        GraphBuilder g = new GraphBuilder("discriminator");
        String x = g.input(Tensors.IMAGE, DType.FLOAT, -1, s.channels(), s.height(), s.width());
        String features = BlockTranslator.translate(d.features(), x, g, "discriminator/features");
        String logit = BlockTranslator.translate(d.head(), features, g, "discriminator/head");
        g.output("logit", logit, DType.FLOAT, -1, 1);
        g.output("features", features, DType.FLOAT, -1, f[0], f[1], f[2]);
        return g.build(metadata);
    }
}
