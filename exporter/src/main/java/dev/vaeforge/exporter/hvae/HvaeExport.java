package dev.vaeforge.exporter.hvae;

import dev.vaeforge.exporter.BlockTranslator;
import dev.vaeforge.exporter.ExportContext;
import dev.vaeforge.exporter.GraphSet;
import dev.vaeforge.exporter.GraphSetExport;
import dev.vaeforge.exporter.ParityCheck;
import dev.vaeforge.exporter.ParityInputs;
import dev.vaeforge.exporter.Tensors;
import dev.vaeforge.exporter.vae.VaeGraphs;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.trainer.hvae.GaussianLayer;
import dev.vaeforge.trainer.hvae.HvaeConfig;
import dev.vaeforge.trainer.hvae.LadderEncoder;
import dev.vaeforge.trainer.hvae.LadderVae;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A {@link LadderVae}'s three graphs and its latent of kind {@code levels} (levels "z2" on top, "z1"
 * below, inference precision-weighted, prior N(0, I) on z2):
 * <ul>
 * <li>{@code encoder}: x -> mu1, logvar1 (level z1: the bottom-up estimate, before the combination),
 *     mu2, logvar2 (level z2: q(z2|x));
 * <li>{@code top_down}: z2 -> prior_mu1, prior_logvar1 (level z1: p(z1|z2));
 * <li>{@code decoder}: z (level z1) -> x_hat = sigmoid(logits).
 * </ul>
 * Parity of each graph is measured on random inputs, in that order from the context's random source.
 */
public final class HvaeExport implements GraphSetExport<LadderVae> {
    public static final String TOP = "z2";
    public static final String BOTTOM = "z1";

    @Override
    public Class<LadderVae> blockType() {
        return LadderVae.class;
    }

    @Override
    public GraphSet export(LadderVae block, ExportContext ctx) {
        HvaeConfig c = block.config();
        ImageShape s = c.architecture().imageShape();
        int d1 = c.dim(1);
        int d2 = c.dim(2);
        byte[] enc = encoder(block.encoder(), s, d1, d2, ctx.metadata(GraphRole.ENCODER)).toByteArray();
        byte[] td = topDown(block.topDown(), d1, d2, ctx.metadata(GraphRole.TOP_DOWN)).toByteArray();
        byte[] dec = VaeGraphs.decoder(block.decoder(), s, d1, ctx.metadata(GraphRole.DECODER)).toByteArray();
        Random rnd = ctx.random();
        int b = ctx.parityBatch();
        ParityCheck.Result encParity = ParityCheck.compare(block.encoder(), enc,
                List.of(new ParityCheck.Feed(Tensors.IMAGE, ParityInputs.uniform(rnd, b * s.size()), s.batchShape(b))),
                "random x", ParityCheck.DjlOutputs.positional("mu1", "logvar1", "mu2", "logvar2"));
        ParityCheck.Result tdParity = ParityCheck.compare(block.topDown(), td,
                List.of(new ParityCheck.Feed("z2", ParityInputs.normal(rnd, b * d2), new long[] {b, d2})),
                "random z2", ParityCheck.DjlOutputs.positional("prior_mu1", "prior_logvar1"));
        ParityCheck.Result decParity = ParityCheck.compare(block.decoder(), dec,
                List.of(new ParityCheck.Feed("z", ParityInputs.normal(rnd, b * d1), new long[] {b, d1})),
                "random z1", ParityCheck.DjlOutputs.single(Tensors.RECONSTRUCTION, a -> a.getNDArrayInternal().sigmoid()));
        Map<GraphRole, GraphSet.Graph> graphs = new LinkedHashMap<>();
        graphs.put(GraphRole.ENCODER, new GraphSet.Graph(enc, List.of(Tensors.image(s)), List.of(
                level("mu1", TensorRole.LATENT_MEAN, d1, BOTTOM), level("logvar1", TensorRole.LATENT_LOGVAR, d1, BOTTOM),
                level("mu2", TensorRole.LATENT_MEAN, d2, TOP), level("logvar2", TensorRole.LATENT_LOGVAR, d2, TOP)),
                encParity));
        graphs.put(GraphRole.TOP_DOWN, new GraphSet.Graph(td, List.of(level("z2", TensorRole.LATENT, d2, TOP)), List.of(
                level("prior_mu1", TensorRole.PRIOR_MEAN, d1, BOTTOM),
                level("prior_logvar1", TensorRole.PRIOR_LOGVAR, d1, BOTTOM)), tdParity));
        graphs.put(GraphRole.DECODER, new GraphSet.Graph(dec, List.of(level("z", TensorRole.LATENT, d1, BOTTOM)),
                List.of(Tensors.reconstruction(s)), decParity));
        Manifest.Latent latent = Manifest.Latent.levels(List.of(Manifest.Latent.level(TOP, d2),
                Manifest.Latent.level(BOTTOM, d1)), Manifest.Latent.PRECISION_WEIGHTED);
        return new GraphSet(graphs, latent, GraphSet.likelihood(c.architecture().likelihood(),
                c.architecture().gaussianSigma()), null, () -> GraphSet.BundlePrior.of(Manifest.Prior.STANDARD_NORMAL));
    }

    private static TensorSpec level(String name, String role, int d, String level) {
        return Tensors.float32(name, role, -1, d).atLevel(level);
    }

    /** x -> mu1, logvar1, mu2, logvar2. */
    static ModelProto encoder(LadderEncoder e, ImageShape s, int d1, int d2, Map<String, String> metadata) {
        GraphBuilder g = new GraphBuilder("encoder");
        String x = g.input(Tensors.IMAGE, DType.FLOAT, -1, s.channels(), s.height(), s.width());
        String d = BlockTranslator.translate(e.body(), x, g, "encoder/body");
        String mu1 = BlockTranslator.translate(e.muHead(), d, g, "encoder/mu");
        String lv1 = BlockTranslator.translate(e.logvarHead(), d, g, "encoder/logvar");
        String[] top = gaussianLayer(e.up(), d, g, "encoder/up");
        g.output("mu1", mu1, DType.FLOAT, -1, d1);
        g.output("logvar1", lv1, DType.FLOAT, -1, d1);
        g.output("mu2", top[0], DType.FLOAT, -1, d2);
        g.output("logvar2", top[1], DType.FLOAT, -1, d2);
        return g.build(metadata);
    }

    /** z2 -> prior_mu1, prior_logvar1. */
    static ModelProto topDown(GaussianLayer t, int d1, int d2, Map<String, String> metadata) {
        GraphBuilder g = new GraphBuilder("top_down");
        String z2 = g.input("z2", DType.FLOAT, -1, d2);
        String[] p = gaussianLayer(t, z2, g, "topdown");
        g.output("prior_mu1", p[0], DType.FLOAT, -1, d1);
        g.output("prior_logvar1", p[1], DType.FLOAT, -1, d1);
        return g.build(metadata);
    }

    private static String[] gaussianLayer(GaussianLayer l, String in, GraphBuilder g, String path) {
        String h = BlockTranslator.translate(l.hidden(), in, g, path + "/hidden");
        return new String[] {BlockTranslator.translate(l.muHead(), h, g, path + "/mu"),
                BlockTranslator.translate(l.logvarHead(), h, g, path + "/logvar")};
    }
}
