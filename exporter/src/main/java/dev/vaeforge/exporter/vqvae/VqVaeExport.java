package dev.vaeforge.exporter.vqvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.vaeforge.exporter.ExportContext;
import dev.vaeforge.exporter.GraphSet;
import dev.vaeforge.exporter.GraphSetExport;
import dev.vaeforge.exporter.ParityCheck;
import dev.vaeforge.exporter.ParityInputs;
import dev.vaeforge.exporter.Tensors;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.bundle.CodePrior;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.trainer.vqvae.CodePriorFit;
import dev.vaeforge.trainer.vqvae.VqVae;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The vqvae: encoder, quantizer and decoder ({@link VqGraphs}), a latent of codes, and the code prior:
 * "codes-empirical" fitted on the training images ({@link CodePriorFit}, stored as code_prior.json) when
 * the context has them, else "codes-uniform".
 *
 * <p>Parity: one seed s from the context's random source; the encoder on images uniform in [0,1] drawn
 * with seed s, the quantizer on z_e ~ N(0, r^2) with seed s + 1, r the codebook's RMS value (so that
 * distances to several codes are comparable and exact ties have probability ~0), the decoder on
 * z_q ~ N(0, 1) with seed s + 2. The quantizer's indices are an integer output, which must equal DJL's
 * nearest codes exactly; its recorded parity is the larger of the z_q and codebook differences.
 */
public final class VqVaeExport implements GraphSetExport<VqVae> {
    @Override
    public Class<VqVae> blockType() {
        return VqVae.class;
    }

    @Override
    public GraphSet export(VqVae vq, ExportContext context) {
        var c = vq.config();
        ImageShape s = c.imageShape();
        byte[] enc = VqGraphs.encoder(vq, context.metadata(GraphRole.ENCODER)).toByteArray();
        byte[] quant = VqGraphs.quantizer(vq, context.metadata(GraphRole.QUANTIZER)).toByteArray();
        byte[] dec = VqGraphs.decoder(vq, context.metadata(GraphRole.DECODER)).toByteArray();
        int b = context.parityBatch();
        long seed = context.random().nextLong();
        long[] images = s.batchShape(b);
        long[] grid = VqGraphs.grid(vq);
        grid[0] = b;
        Map<GraphRole, GraphSet.Graph> graphs = new LinkedHashMap<>();
        graphs.put(GraphRole.ENCODER, new GraphSet.Graph(enc, List.of(Tensors.image(s)), VqGraphs.encoderOutputs(vq),
                ParityCheck.compare(vq.encoder(), enc, List.of(new ParityCheck.Feed(Tensors.IMAGE,
                        ParityInputs.uniform(new Random(seed), ParityInputs.count(images)), images)),
                        "random x, seed " + seed, ParityCheck.DjlOutputs.positional("z_e"))));
        NDArray codebook = vq.quantizer().codebook().getArray();
        float[] ze = ParityInputs.normal(new Random(seed + 1), ParityInputs.count(grid), rms(codebook.toFloatArray()));
        graphs.put(GraphRole.QUANTIZER, new GraphSet.Graph(quant, VqGraphs.quantizerInputs(vq),
                VqGraphs.quantizerOutputs(vq), ParityCheck.compare(vq.quantizer(), quant,
                        List.of(new ParityCheck.Feed("z_e", ze, grid)), "random z_e, seed " + (seed + 1),
                        out -> quantizerOutputs(out, codebook))));
        graphs.put(GraphRole.DECODER, new GraphSet.Graph(dec, VqGraphs.decoderInputs(vq), List.of(Tensors.reconstruction(s)),
                ParityCheck.compare(vq.decoder(), dec, List.of(new ParityCheck.Feed("z_q",
                        ParityInputs.normal(new Random(seed + 2), ParityInputs.count(grid)), grid)),
                        "random z_q, seed " + (seed + 2),
                        ParityCheck.DjlOutputs.single(Tensors.RECONSTRUCTION, t -> t.getNDArrayInternal().sigmoid()))));
        return new GraphSet(graphs, Manifest.Latent.codes(c.gridSize(), c.gridSize(), c.codeDim(), c.codebookSize()),
                GraphSet.likelihood(c.likelihood(), c.gaussianSigma()), null, () -> prior(vq, context));
    }

    /** VectorQuantizer's outputs are z_st, z_e, z_q, indices; the graph also returns the codebook. */
    private static Map<String, NDArray> quantizerOutputs(NDList out, NDArray codebook) {
        Map<String, NDArray> m = new LinkedHashMap<>();
        m.put("indices", out.get(3));
        m.put("z_q", out.get(2));
        m.put("codebook", codebook);
        return m;
    }

    private static GraphSet.BundlePrior prior(VqVae vq, ExportContext context) {
        if (!context.hasTrainingImages()) {
            return GraphSet.BundlePrior.of(Manifest.Prior.CODES_UNIFORM);
        }
        byte[] prior = Json.write(CodePriorFit.fit(vq, context.trainingImages())).getBytes(StandardCharsets.UTF_8);
        return new GraphSet.BundlePrior(new Manifest.Prior(Manifest.Prior.CODES_EMPIRICAL, CodePrior.FILE,
                Hashing.sha256(prior)), Map.of(CodePrior.FILE, prior));
    }

    private static float rms(float[] book) {
        double ss = 0;
        for (float v : book) {
            ss += (double) v * v;
        }
        float rms = (float) Math.sqrt(ss / book.length);
        return rms > 0 ? rms : 1f;
    }
}
