package dev.vaeforge.exporter.vae;

import dev.vaeforge.exporter.ExportContext;
import dev.vaeforge.exporter.GraphSet;
import dev.vaeforge.exporter.GraphSetExport;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.trainer.vae.ConvVae;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every model whose block is a {@link ConvVae} (families that differ only in their loss): the two
 * graphs of {@link VaeGraphs}, a Gaussian vector latent and the standard-normal prior.
 */
public final class VaeExport implements GraphSetExport<ConvVae> {
    @Override
    public Class<ConvVae> blockType() {
        return ConvVae.class;
    }

    @Override
    public GraphSet export(ConvVae vae, ExportContext context) {
        var a = vae.config();
        Map<GraphRole, GraphSet.Graph> graphs = new LinkedHashMap<>();
        VaeGraphs.addEncoderDecoder(vae.encoder(), vae.decoder(), a.imageShape(), a.latentDim(), context, graphs);
        return new GraphSet(graphs, Manifest.Latent.gaussian(a.latentDim()),
                GraphSet.likelihood(a.likelihood(), a.gaussianSigma()), null,
                () -> GraphSet.BundlePrior.of(Manifest.Prior.STANDARD_NORMAL));
    }
}
