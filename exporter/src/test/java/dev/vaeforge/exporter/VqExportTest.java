package dev.vaeforge.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.Sessions;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.vqvae.VqVaeConfig;
import dev.vaeforge.trainer.vqvae.VqVae;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The VQ-VAE graphs against DJL: encoder and decoder within 1e-4, quantizer indices exactly equal. */
class VqExportTest {
    private static final Map<String, String> META = Map.of("vaeforge.family", "vqvae");

    private static VqVae model(NDManager m, List<Integer> widths, int channels, int size) {
        VqVae vq = new VqVae(new VqVaeConfig(channels, size, widths, Likelihood.BERNOULLI, 0, 32, 8, null, false, null,
                null, null));
        vq.initialize(m, DataType.FLOAT32, vq.inputShape(2));
        // every weight, batch-norm statistic and the codebook become seeded noise
        BlockParityTest.randomiseParameters(vq, 17);
        return vq;
    }

    @Test
    void graphsMatchDjl() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int channels : new int[] {1, 3}) {
                VqVae vq = model(m, List.of(8, 16), channels, 16);
                double enc = VqGraphs.encoderParity(vq, VqGraphs.encoder(vq, META), 4, 1);
                double dec = VqGraphs.decoderParity(vq, VqGraphs.decoder(vq, META), 4, 2);
                VqGraphs.QuantizerParity q = VqGraphs.quantizerParity(vq, VqGraphs.quantizer(vq, META), 8, 3);
                assertTrue(enc <= 1e-4, "encoder parity " + enc);
                assertTrue(dec <= 1e-4, "decoder parity " + dec);
                assertEquals(8L * 4 * 4, q.positions());
                assertEquals(0, q.indexMismatches(), "quantizer indices must equal DJL's nearest neighbours");
                assertTrue(q.zqMaxAbs() <= 1e-6, "z_q " + q.zqMaxAbs());
                assertEquals(0.0, q.codebookMaxAbs());
            }
        }
    }

    @Test
    void quantizerDeclaresIndicesZqAndCodebook() throws OrtException {
        try (NDManager m = NDManager.newBaseManager()) {
            VqVae vq = model(m, List.of(8, 16), 1, 16);
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
        }
    }
}
