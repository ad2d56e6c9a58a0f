package dev.vaeforge.exporter.vae;

import dev.vaeforge.exporter.posterior.FlowExport;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.vaeforge.exporter.ExportContext;
import dev.vaeforge.exporter.GraphSet;
import dev.vaeforge.exporter.GraphSetExport;
import dev.vaeforge.exporter.ParityCheck;
import dev.vaeforge.exporter.Tensors;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.NpyArrays;
import dev.vaeforge.runtime.model.Tensor;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.trainer.vae.ConvVae;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every model whose block is a {@link ConvVae} (families that differ only in their loss): the two
 * graphs of {@link VaeGraphs}, a Gaussian vector latent and its prior: the standard normal, or a learned
 * VampPrior exported as the {@code gaussian-mixture} its pseudo-inputs' posteriors form
 * ({@value #MIXTURE_FILE}). Those components are the DJL encoder's outputs on the pseudo-inputs, and the
 * encoder graph's parity is measured on the pseudo-inputs too, so the runtime's prior is the trained one
 * to the export's tolerance. A learned flow prior travels as graphs ({@link FlowPriorGraphs}:
 * {@code prior_sample} and {@code prior_log_prob}, prior type {@code graphs}), parity-checked like the
 * others. A flow posterior adds its graphs ({@link FlowExport}).
 */
public final class VaeExport implements GraphSetExport<ConvVae> {
    public static final String MIXTURE_FILE = "prior_mixture.npy";

    @Override
    public Class<ConvVae> blockType() {
        return ConvVae.class;
    }

    @Override
    public GraphSet export(ConvVae vae, ExportContext context) {
        var a = vae.config();
        Map<GraphRole, GraphSet.Graph> graphs = new LinkedHashMap<>();
        VaeGraphs.addEncoderDecoder(vae.encoder(), vae.decoder(), a.imageShape(), a.latentDim(), context, graphs);
        if (vae.flow() != null) {
            FlowExport.add(vae.encoder(), vae.contextHead(), vae.flow(), a.imageShape(), context, graphs);
        }
        if (vae.priorFlow() != null) {
            FlowPriorGraphs.add(vae.priorFlow(), context, graphs);
            String name = "RealNVP flow (" + vae.priorFlow().steps() + " affine coupling layers, hidden "
                    + vae.priorFlow().hidden() + ")";
            return new GraphSet(graphs, Manifest.Latent.gaussian(a.latentDim()),
                    GraphSet.likelihood(a.likelihood(), a.gaussianSigma()), null,
                    () -> new GraphSet.BundlePrior(Manifest.Prior.graphs(name), Map.of()));
        }
        if (!vae.learnedPrior()) {
            return new GraphSet(graphs, Manifest.Latent.gaussian(a.latentDim()),
                    GraphSet.likelihood(a.likelihood(), a.gaussianSigma()), null,
                    () -> GraphSet.BundlePrior.of(Manifest.Prior.STANDARD_NORMAL));
        }
        Mixture mixture = mixture(vae);
        GraphSet.Graph enc = graphs.get(GraphRole.ENCODER);
        ParityCheck.Result onPseudo = ParityCheck.compare(vae.encoder(), enc.onnx(),
                List.of(new ParityCheck.Feed(Tensors.IMAGE, mixture.pseudoImages(), a.imageShape().batchShape(mixture.k()))),
                "the " + mixture.k() + " pseudo-inputs", ParityCheck.DjlOutputs.positional("mu", "logvar"));
        List<ParityCheck.OutputDifference> both = new ArrayList<>(enc.parity().outputs());
        both.addAll(onPseudo.outputs());
        graphs.put(GraphRole.ENCODER, new GraphSet.Graph(enc.onnx(), enc.inputs(), enc.outputs(),
                new ParityCheck.Result(enc.parity().inputs() + " and " + onPseudo.inputs(), both)));
        return new GraphSet(graphs, Manifest.Latent.gaussian(a.latentDim()),
                GraphSet.likelihood(a.likelihood(), a.gaussianSigma()), null, () -> {
                    byte[] bytes = NpyArrays.write(Tensor.of(mixture.meansThenLogvars(),
                            new long[] {2, mixture.k(), a.latentDim()}));
                    return new GraphSet.BundlePrior(new Manifest.Prior(Manifest.Prior.GAUSSIAN_MIXTURE, MIXTURE_FILE,
                            Hashing.sha256(bytes)), Map.of(MIXTURE_FILE, bytes));
                });
    }

    /** The VampPrior's pseudo-inputs as images and their posteriors under the trained encoder (inference mode). */
    record Mixture(int k, float[] pseudoImages, float[] meansThenLogvars) {
    }

    static Mixture mixture(ConvVae vae) {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            float[] images = vae.pseudoImages(ps, m, false).toFloatArray();
            NDList c = vae.priorComponents(ps, m, false, null);
            float[] mu = c.get(0).toFloatArray();
            float[] lv = c.get(1).toFloatArray();
            float[] both = new float[mu.length + lv.length];
            System.arraycopy(mu, 0, both, 0, mu.length);
            System.arraycopy(lv, 0, both, mu.length, lv.length);
            return new Mixture((int) vae.pseudoInputs().getArray().getShape().get(0), images, both);
        }
    }
}
