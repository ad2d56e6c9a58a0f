package dev.vaeforge.runtime.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.BundleReader;
import dev.vaeforge.runtime.bundle.GoldenVerifier;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.session.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole path on a tiny conv bundle: calibrate, rewrite, gate, write; and every refusal in one line. */
class QuantizerTest {
    @TempDir
    Path tmp;

    private static QuantizeSettings settings(List<String> keep, boolean sensitivity, GateThresholds t, boolean force) {
        return new QuantizeSettings(32, CalibrationMethod.MINMAX, 99.99, 32, keep, sensitivity, t, force, 0);
    }

    private static GateThresholds lenient() {
        return new GateThresholds(20, 0.05, 0.05, 0.5);
    }

    @Test
    void writesAnInt8BundleThatOpensAndRecordsItsGate() throws Exception {
        Path fp32 = tmp.resolve("fp32");
        ConvVaeGraphs.writeBundle(fp32, 5);
        ArrayDataset data = ConvVaeGraphs.images(64, 1, ConvVaeGraphs.S);
        Path out = tmp.resolve("int8");
        Quantizer.Result r = Quantizer.quantize(fp32, data, "blobs", out, false, settings(List.of(), false, lenient(), false),
                Quantizer.Progress.NONE);
        Manifest.Quantization q = BundleReader.open(out).manifest().quantization();
        assertEquals("int8", q.precision());
        assertEquals(List.of("node_Conv_conv1", "node_Gemm_mu", "node_Gemm_lv"), q.quantized().get("encoder"));
        assertEquals(data.fingerprint(), q.calibration().fingerprint());
        assertTrue(q.gate().passed() && q.gate().psnrVsFp32() >= 20, q.gate().toString());
        assertEquals(r.manifest().id(), BundleReader.open(out).manifest().id());
        try (VaeRuntime rt = VaeRuntime.open(out, Device.CPU)) {
            float[] x = data.batch(new int[] {0, 1}, 0, 2);
            assertEquals(2 * 144, rt.reconstruct(x, 2).length);
        }
        assertTrue(GoldenVerifier.verify(BundleReader.open(out), Device.CPU, null).passed(), "golden tensors rerun");
        assertNull(BundleReader.open(fp32).manifest().quantization(), "fp32 bundles have no quantization record");
        assertFalse(Files.readString(fp32.resolve("manifest.json")).contains("quantization"));

        VaeforgeException again = assertThrows(VaeforgeException.class, () -> Quantizer.quantize(out, data, "blobs",
                tmp.resolve("twice"), false, settings(List.of(), false, lenient(), false), Quantizer.Progress.NONE));
        assertTrue(again.getMessage().contains("already quantised"), again.getMessage());
    }

    @Test
    void keepsNamedLayersAndRefusesUnknownOnes() {
        Path fp32 = tmp.resolve("fp32");
        ConvVaeGraphs.writeBundle(fp32, 5);
        ArrayDataset data = ConvVaeGraphs.images(64, 1, ConvVaeGraphs.S);
        Manifest.Quantization q = Quantizer.quantize(fp32, data, "blobs", tmp.resolve("a"), false,
                settings(List.of("node_Conv_conv2"), false, lenient(), false), Quantizer.Progress.NONE).quantization();
        assertEquals(List.of("node_Gemm_h"), q.quantized().get("decoder"));
        assertEquals(List.of(new Manifest.Quantization.KeptLayer("decoder", "node_Conv_conv2", "option")), q.keptFp32());
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> Quantizer.quantize(fp32, data, "blobs",
                tmp.resolve("b"), false, settings(List.of("conv9"), false, lenient(), false), Quantizer.Progress.NONE));
        assertTrue(e.getMessage().startsWith("keepFp32: no layer 'conv9'") && e.getMessage().contains("node_Conv_conv1"),
                e.getMessage());
    }

    @Test
    void aFailingGateWritesNothingUnlessForcedAndSensitivityKeepsLayers() {
        Path fp32 = tmp.resolve("fp32");
        ConvVaeGraphs.writeBundle(fp32, 5);
        ArrayDataset data = ConvVaeGraphs.images(64, 1, ConvVaeGraphs.S);
        GateThresholds strict = new GateThresholds(120, 0.05, 0.05, 0.5);
        Path out = tmp.resolve("int8");
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> Quantizer.quantize(fp32, data, "blobs", out,
                false, settings(List.of(), false, strict, false), Quantizer.Progress.NONE));
        assertEquals(VaeforgeException.Code.PARITY, e.code());
        assertTrue(e.getMessage().contains("fail the quality gate"), e.getMessage());
        assertFalse(Files.exists(out), "nothing written");

        Manifest.Quantization forced = Quantizer.quantize(fp32, data, "blobs", out, false,
                settings(List.of(), false, strict, true), Quantizer.Progress.NONE).quantization();
        assertTrue(forced.gate().forced() && !forced.gate().passed());

        // only an all-fp32 pair reaches 120 dB (folding BatchNorm alone leaves ~146 dB): the pass keeps every layer, most harmful first, each with its reason
        Manifest.Quantization kept = Quantizer.quantize(fp32, data, "blobs", tmp.resolve("kept"), false,
                settings(List.of(), true, strict, false), Quantizer.Progress.NONE).quantization();
        assertTrue(kept.gate().passed());
        // the log-variance head does not touch the reconstruction, so it ranks last and may stay int8
        assertTrue(kept.keptFp32().size() >= 5, kept.keptFp32().toString());
        assertTrue(kept.keptFp32().stream().allMatch(k -> k.reason().startsWith("sensitivity: ")), kept.keptFp32().toString());
    }

    @Test
    void refusesDataOfTheWrongShapeOrTooFewImages() {
        Path fp32 = tmp.resolve("fp32");
        ConvVaeGraphs.writeBundle(fp32, 5);
        VaeforgeException shape = assertThrows(VaeforgeException.class, () -> Quantizer.quantize(fp32,
                ConvVaeGraphs.images(64, 1, 16), "big", tmp.resolve("a"), false, settings(List.of(), false, lenient(), false),
                Quantizer.Progress.NONE));
        assertEquals("calibration data big has images 1x16x16, but " + fp32 + " takes 1x12x12", shape.getMessage());
        VaeforgeException few = assertThrows(VaeforgeException.class, () -> Quantizer.quantize(fp32,
                ConvVaeGraphs.images(40, 1, 12), "few", tmp.resolve("a"), false, settings(List.of(), false, lenient(), false),
                Quantizer.Progress.NONE));
        assertTrue(few.getMessage().startsWith("calibration data few has 40 images; calibrationImages 32 plus gateImages 32 need 64"),
                few.getMessage());
        assertThrows(VaeforgeException.class, () -> new QuantizeSettings(4, CalibrationMethod.MINMAX, 99.99, 32, List.of(),
                true, GateThresholds.DEFAULTS, false, 0));
    }

    @Test
    void namesAnOpItCannotQuantise() {
        dev.vaeforge.runtime.onnx.GraphBuilder g = new dev.vaeforge.runtime.onnx.GraphBuilder("encoder");
        String x = g.input("x", dev.vaeforge.runtime.onnx.DType.FLOAT, -1, 4);
        String y = g.op("MatMul").in(x, g.op("Transpose").in(x).out("xt")).out("gram");
        g.output("y", y, dev.vaeforge.runtime.onnx.DType.FLOAT, -1, -1);
        VaeforgeException e = assertThrows(VaeforgeException.class,
                () -> QdqGraph.plan("encoder", g.build(java.util.Map.of()), java.util.Set.of()));
        assertEquals(VaeforgeException.Code.UNSUPPORTED, e.code());
        assertEquals("graph encoder: MatMul 'node_MatMul_gram' cannot be quantised: its weight 'xt' is computed, not a "
                + "constant initializer; keep it in fp32 with --keep-fp32 node_MatMul_gram", e.getMessage());
    }
}
