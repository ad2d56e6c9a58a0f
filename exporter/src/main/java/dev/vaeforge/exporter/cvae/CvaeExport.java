package dev.vaeforge.exporter.cvae;

import dev.vaeforge.exporter.ExportContext;
import dev.vaeforge.exporter.GraphSet;
import dev.vaeforge.exporter.GraphSetExport;
import dev.vaeforge.exporter.ParityCheck;
import dev.vaeforge.exporter.ParityInputs;
import dev.vaeforge.exporter.Tensors;
import dev.vaeforge.exporter.vae.VaeGraphs;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.trainer.cvae.ConditionalVae;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The cvae: the VAE's graphs with a condition input y[N,A] on both ({@link CvaeGraphs}), and the
 * manifest's {@code conditioning}. Parity feeds random conditions of the model's kind: one-hot rows for
 * labels, 0/1 entries for attributes (drawn first, then the encoder's images and the decoder's latents).
 */
public final class CvaeExport implements GraphSetExport<ConditionalVae> {
    @Override
    public Class<ConditionalVae> blockType() {
        return ConditionalVae.class;
    }

    @Override
    public GraphSet export(ConditionalVae cvae, ExportContext context) {
        var c = cvae.config();
        ImageShape s = c.imageShape();
        int d = c.latentDim();
        int a = c.condition().dim();
        byte[] enc = CvaeGraphs.encoder(cvae, context.metadata(GraphRole.ENCODER)).toByteArray();
        byte[] dec = CvaeGraphs.decoder(cvae, context.metadata(GraphRole.DECODER)).toByteArray();
        Random rnd = context.random();
        int b = context.parityBatch();
        float[] y = conditions(rnd, b, c.condition());
        ParityCheck.Feed yFeed = new ParityCheck.Feed(Tensors.CONDITION, y, new long[] {b, a});
        ParityCheck.Result encParity = ParityCheck.compare(cvae.encoder(), enc,
                List.of(new ParityCheck.Feed(Tensors.IMAGE, ParityInputs.uniform(rnd, b * s.size()), s.batchShape(b)),
                        yFeed), "random x, y", ParityCheck.DjlOutputs.positional("mu", "logvar"));
        ParityCheck.Result decParity = ParityCheck.compare(cvae.decoder(), dec,
                List.of(new ParityCheck.Feed("z", ParityInputs.normal(rnd, b * d), new long[] {b, d}), yFeed),
                "random z, y", ParityCheck.DjlOutputs.single(Tensors.RECONSTRUCTION, t -> t.getNDArrayInternal().sigmoid()));
        Map<GraphRole, GraphSet.Graph> graphs = new LinkedHashMap<>();
        graphs.put(GraphRole.ENCODER, new GraphSet.Graph(enc, CvaeGraphs.encoderInputs(s, a), VaeGraphs.encoderOutputs(d),
                encParity));
        graphs.put(GraphRole.DECODER, new GraphSet.Graph(dec, CvaeGraphs.decoderInputs(d, a),
                List.of(Tensors.reconstruction(s)), decParity));
        return new GraphSet(graphs, Manifest.Latent.gaussian(d), GraphSet.likelihood(c.likelihood(), c.gaussianSigma()),
                c.condition().toManifest(), () -> GraphSet.BundlePrior.of(Manifest.Prior.STANDARD_NORMAL));
    }

    private static float[] conditions(Random r, int n, ConditionSpec spec) {
        int a = spec.dim();
        float[] y = new float[n * a];
        for (int i = 0; i < n; i++) {
            if (spec.kind() == ConditionKind.LABELS) {
                y[i * a + r.nextInt(a)] = 1f;
            } else {
                for (int j = 0; j < a; j++) {
                    y[i * a + j] = r.nextBoolean() ? 1f : 0f;
                }
            }
        }
        return y;
    }
}
