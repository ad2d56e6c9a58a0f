package dev.vaeforge.exporter.vaegan;

import dev.vaeforge.exporter.ExportContext;
import dev.vaeforge.exporter.GraphSet;
import dev.vaeforge.exporter.GraphSetExport;
import dev.vaeforge.exporter.ParityCheck;
import dev.vaeforge.exporter.ParityInputs;
import dev.vaeforge.exporter.Tensors;
import dev.vaeforge.exporter.vae.VaeGraphs;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.trainer.vaegan.VaeGan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The vaegan: the VAE's encoder and decoder ({@link VaeGraphs}) and the discriminator x -> logit,
 * features ({@link VaeGanGraphs}), parity-checked after them on uniform random images like the encoder.
 */
public final class VaeGanExport implements GraphSetExport<VaeGan> {
    @Override
    public Class<VaeGan> blockType() {
        return VaeGan.class;
    }

    @Override
    public GraphSet export(VaeGan gan, ExportContext context) {
        var c = gan.config();
        ImageShape s = c.imageShape();
        long[] f = c.featureShape();
        Map<GraphRole, GraphSet.Graph> graphs = new LinkedHashMap<>();
        VaeGraphs.addEncoderDecoder(gan.encoder(), gan.decoder(), s, c.latentDim(), context, graphs);
        byte[] disc = VaeGanGraphs.discriminator(gan.discriminator(), s, f, context.metadata(GraphRole.DISCRIMINATOR))
                .toByteArray();
        int b = context.parityBatch();
        graphs.put(GraphRole.DISCRIMINATOR, new GraphSet.Graph(disc, List.of(Tensors.image(s)),
                VaeGanGraphs.discriminatorOutputs(f), ParityCheck.compare(gan.discriminator(), disc,
                        List.of(new ParityCheck.Feed(Tensors.IMAGE, ParityInputs.uniform(context.random(), b * s.size()),
                                s.batchShape(b))), "random x", ParityCheck.DjlOutputs.positional("logit", "features"))));
        return new GraphSet(graphs, Manifest.Latent.gaussian(c.latentDim()),
                GraphSet.likelihood(c.likelihood(), c.gaussianSigma()), null,
                () -> GraphSet.BundlePrior.of(Manifest.Prior.STANDARD_NORMAL));
    }
}
