package dev.vaeforge.exporter.vqvae;

import dev.vaeforge.trainer.family.Architecture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.vaeforge.exporter.ExportContext;
import dev.vaeforge.exporter.ExportFixtures;
import dev.vaeforge.exporter.Exporter;
import dev.vaeforge.exporter.GraphSet;
import dev.vaeforge.exporter.ParityCheck;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.bundle.CodePrior;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.Sessions;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.vqvae.VqVaeConfig;
import dev.vaeforge.trainer.vqvae.VqVae;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The VQ-VAE graphs against DJL: encoder and decoder within 1e-4, quantizer indices exactly equal. */
class VqExportTest {
    private static final Map<String, String> META = Map.of("vaeforge.family", "vqvae");

    private static VqVaeConfig config(int channels) {
        return new VqVaeConfig(new Architecture(channels, 16, 1, List.of(8, 16), Likelihood.BERNOULLI, 0), 32, 8, null, false, null, null, null);
    }

    private static VqVae model(NDManager m, int channels) {
        VqVae vq = new VqVae(config(channels));
        vq.initialize(m, DataType.FLOAT32, vq.inputShape(2));
        // every weight, batch-norm statistic and the codebook become seeded noise
        ExportFixtures.randomiseParameters(vq, 17);
        return vq;
    }

    private static ExportContext context(ArrayDataset images) {
        return new ExportContext(META, 8, 3, images == null ? null : () -> images);
    }

    @Test
    void graphsMatchDjl() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int channels : new int[] {1, 3}) {
                VqVae vq = model(m, channels);
                GraphSet set = new VqVaeExport().export(vq, context(null));
                assertEquals(List.of(GraphRole.ENCODER, GraphRole.QUANTIZER, GraphRole.DECODER),
                        List.copyOf(set.graphs().keySet()), "measured in this order");
                double enc = set.graphs().get(GraphRole.ENCODER).parity().maxAbs();
                double dec = set.graphs().get(GraphRole.DECODER).parity().maxAbs();
                assertTrue(enc <= 1e-4, "encoder parity " + enc);
                assertTrue(dec <= 1e-4, "decoder parity " + dec);
                ParityCheck.Result q = set.graphs().get(GraphRole.QUANTIZER).parity();
                Map<String, ParityCheck.OutputDifference> out = new java.util.HashMap<>();
                q.outputs().forEach(d -> out.put(d.name(), d));
                assertTrue(out.get("indices").integer());
                assertEquals(8L * 4 * 4, out.get("indices").values());
                assertEquals(0, out.get("indices").mismatches(), "quantizer indices must equal DJL's nearest neighbours");
                assertFalse(q.firstMismatch().isPresent());
                assertTrue(out.get("z_q").maxAbs() <= 1e-6, "z_q " + out.get("z_q").maxAbs());
                assertEquals(0.0, out.get("codebook").maxAbs());
                assertEquals(Math.max(out.get("z_q").maxAbs(), out.get("codebook").maxAbs()), set.parity().get("quantizer"),
                        "the quantizer's recorded parity is the larger of the z_q and codebook differences");
                assertTrue(q.inputs().startsWith("random z_e, seed "), q.inputs());
            }
        }
    }

    @Test
    void quantizerDeclaresIndicesZqAndCodebook() throws OrtException {
        try (NDManager m = NDManager.newBaseManager()) {
            VqVae vq = model(m, 1);
            ModelProto q = VqGraphs.quantizer(vq, META);
            try (OrtSession s = Sessions.create(q.toByteArray(), "quantizer", Device.CPU)) {
                assertEquals(List.of("z_e"), List.copyOf(s.getInputNames()));
                Map<String, NodeInfo> out = s.getOutputInfo();
                assertEquals(List.of("indices", "z_q", "codebook"), List.copyOf(out.keySet()));
                TensorInfo idx = (TensorInfo) out.get("indices").getInfo();
                assertEquals(ai.onnxruntime.OnnxJavaType.INT64, idx.type);
                assertEquals("[-1, 4, 4]", Arrays.toString(idx.getShape()));
                assertEquals("[32, 8]", Arrays.toString(((TensorInfo) out.get("codebook").getInfo()).getShape()));
                assertEquals("[-1, 8, 4, 4]", Arrays.toString(((TensorInfo) out.get("z_q").getInfo()).getShape()));
            }
            assertEquals(List.of(TensorRole.CODE_INDICES, TensorRole.LATENT_QUANTIZED, TensorRole.CODEBOOK),
                    VqGraphs.quantizerOutputs(vq).stream().map(TensorSpec::role).toList());
        }
    }

    @Test
    void manifestHasACodeLatentAndTheUniformPriorWithoutTrainingImages() {
        try (NDManager m = NDManager.newBaseManager()) {
            VqVae vq = model(m, 1);
            Exporter.Prepared p = Exporter.prepare(config(1), vq, ExportFixtures.PROVENANCE, Exporter.Options.defaults(),
                    null);
            Manifest mf = p.manifest();
            assertEquals("vqvae", mf.family());
            assertEquals(Manifest.Latent.CODES, mf.latent().kind());
            assertArrayEquals(new long[] {4, 4}, mf.latent().shape());
            assertEquals(8, mf.latent().codeDim());
            assertEquals(32, mf.latent().codebookSize());
            assertEquals(Manifest.Prior.CODES_UNIFORM, mf.prior().type());
            assertEquals(Map.of(), p.files());
            assertEquals(List.of("encoder", "quantizer", "decoder"), List.copyOf(mf.parity().maxAbsError().keySet()));
            assertEquals(TensorRole.LATENT_UNQUANTIZED, mf.graphs().get("encoder").outputs().get(0).role());
            assertEquals(TensorRole.LATENT_QUANTIZED, mf.graphs().get("decoder").inputs().get(0).role());
        }
    }

    @Test
    void theEmpiricalCodePriorIsFittedOnTheTrainingImages() {
        ImageShape s = new ImageShape(1, 16, 16);
        int n = 70; // more than one batch of the fit
        float[] px = new float[n * s.size()];
        for (int i = 0; i < px.length; i++) {
            px[i] = ((i * 31 + i / 256) % 17) / 16f;
        }
        ArrayDataset images = new ArrayDataset("test", s, px, null, null);
        try (NDManager m = NDManager.newBaseManager()) {
            VqVae vq = model(m, 1);
            Exporter.Prepared p = Exporter.prepare(config(1), vq, ExportFixtures.PROVENANCE, Exporter.Options.defaults(),
                    () -> images);
            Manifest.Prior prior = p.manifest().prior();
            assertEquals(Manifest.Prior.CODES_EMPIRICAL, prior.type());
            assertEquals(CodePrior.FILE, prior.file());
            byte[] file = p.files().get(CodePrior.FILE);
            assertEquals(Hashing.sha256(file), prior.sha256());
            CodePrior fitted = Json.mapper().readValue(new String(file, StandardCharsets.UTF_8), CodePrior.class);
            assertEquals(n, fitted.images());
            assertEquals(16, fitted.counts().size());
            for (long[] row : fitted.counts()) {
                assertEquals(n, Arrays.stream(row).sum(), "every position's counts sum to the number of images");
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
