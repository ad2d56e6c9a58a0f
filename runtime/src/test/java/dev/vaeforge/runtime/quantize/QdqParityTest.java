package dev.vaeforge.runtime.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.model.Tensor;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.TensorProto;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.SessionRun;
import dev.vaeforge.runtime.session.Sessions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Parity at quantisation time: the written QDQ graphs compute, in ONNX Runtime, the fake-quantised
 * function we intend, recomputed here in Java doubles from the fp32 weights (our own per-channel weight
 * quantisation, bias in scale_x·scale_w, QuantizeLinear's round-half-even and saturation at every
 * quantised activation). Checked both as written (ORT with graph optimisation off: the Q/DQ nodes run
 * literally) and as deployed (full optimisation: ORT's fused int8 kernels). BatchNormalization folding is
 * checked against the unfolded fp32 graph.
 */
class QdqParityTest {
    private static final int N = 16;
    private static final int S = ConvVaeGraphs.S;
    private static final int F = ConvVaeGraphs.F;
    private static final int D = ConvVaeGraphs.D;

    @Test
    void foldingBatchNormKeepsTheFp32Function() throws Exception {
        ModelProto enc = ConvVaeGraphs.encoder(5);
        ModelProto folded = BatchNormFolding.fold(enc);
        assertTrue(folded.getGraph().getNodeList().stream().noneMatch(n -> n.getOpType().equals("BatchNormalization")));
        float[] x = ConvVaeGraphs.images(N, 9, S).batch(range(N), 0, N);
        float[] a = run(enc, Map.of("x", Tensor.of(x, N, 1, S, S)), "mu", false);
        float[] b = run(folded, Map.of("x", Tensor.of(x, N, 1, S, S)), "mu", false);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-5 * Math.max(1, Math.abs(a[i])));
        }
    }

    @Test
    void encoderQdqGraphReproducesTheFakeQuantisedReference() throws Exception {
        ModelProto folded = BatchNormFolding.fold(ConvVaeGraphs.encoder(5));
        QdqGraph.Plan plan = QdqGraph.plan("encoder", folded, Set.of());
        assertEquals(Set.of("x", "bn1", "act1"), plan.roots(), "quantised activations");
        assertEquals("act1", plan.rootOf().get("flat"), "Flatten passes its input's parameters on");
        List<Map<String, Tensor>> feeds = List.of(Map.of("x", Tensor.of(ConvVaeGraphs.images(64, 1, S).batch(range(64), 0, 64),
                64, 1, S, S)));
        Map<String, QuantParams> p = Calibrator.calibrate(folded, plan, feeds, CalibrationMethod.MINMAX, 99.99, d -> { });
        ModelProto qdq = QdqGraph.rewrite(folded, plan, p);
        checkWeights(qdq, "node_Conv_conv1_weight_quantized", F);

        float[] x = ConvVaeGraphs.images(N, 2, S).batch(range(N), 0, N);
        Map<String, TensorProto> w = new GraphIndex(folded.getGraph()).initializers();
        double[] xq = fakeQuant(x, p.get("x"));
        float[] w1 = Tensors.floats(w.get("w1_bnfolded"));
        float[] s1 = QdqGraph.weightScales(w1, new long[] {F, 1, 3, 3}, 0);
        double[] c = conv(xq, N, 1, S, S, weights(w1, s1, 9), bias(Tensors.floats(w.get("w1_bnfolded_bias")), p.get("x"), s1),
                F, 2, 1);
        c = fakeQuant(toFloat(c), p.get("bn1"));
        for (int i = 0; i < c.length; i++) {
            c[i] = c[i] >= 0 ? c[i] : 0.2f * (float) c[i];
        }
        double[] a = fakeQuant(toFloat(c), p.get("act1"));
        int hidden = F * (S / 2) * (S / 2);
        float[] wmu = Tensors.floats(w.get("wmu"));
        float[] smu = QdqGraph.weightScales(wmu, new long[] {D, hidden}, 0);
        double[] mu = gemm(a, N, hidden, weights(wmu, smu, hidden), bias(Tensors.floats(w.get("bmu")), p.get("act1"), smu), D);

        Map<String, Tensor> in = Map.of("x", Tensor.of(x, N, 1, S, S));
        compare(mu, run(qdq, in, "mu", false), "encoder as written");
        compare(mu, run(qdq, in, "mu", true), "encoder in ORT's fused int8 kernels");
        Map<String, Integer> ops = OptimizedGraph.opCounts(qdq.toByteArray());
        assertTrue(ops.containsKey("com.microsoft.QLinearConv") && ops.containsKey("com.microsoft.QGemm"), ops.toString());
    }

    @Test
    void decoderQdqGraphReproducesTheFakeQuantisedReference() throws Exception {
        ModelProto dec = ConvVaeGraphs.decoder(5);
        QdqGraph.Plan plan = QdqGraph.plan("decoder", dec, Set.of());
        assertEquals(Set.of("z", "h", "conv2"), plan.roots(), "quantised activations");
        assertEquals("h", plan.rootOf().get("up"), "nearest Resize passes its input's parameters on");
        Random r = new Random(3);
        List<Map<String, Tensor>> feeds = List.of(Map.of("z", Tensor.of(ConvVaeGraphs.normal(r, 64 * D, 1), 64, D)));
        Map<String, QuantParams> p = Calibrator.calibrate(dec, plan, feeds, CalibrationMethod.PERCENTILE, 99.9, d -> { });
        ModelProto qdq = QdqGraph.rewrite(dec, plan, p);

        float[] z = ConvVaeGraphs.normal(new Random(4), N * D, 1);
        Map<String, TensorProto> w = new GraphIndex(dec.getGraph()).initializers();
        int hidden = F * (S / 2) * (S / 2);
        float[] wh = Tensors.floats(w.get("wh"));
        float[] sh = QdqGraph.weightScales(wh, new long[] {hidden, D}, 0);
        double[] h = gemm(fakeQuant(z, p.get("z")), N, D, weights(wh, sh, D), bias(Tensors.floats(w.get("bh")), p.get("z"), sh),
                hidden);
        double[] hq = fakeQuant(toFloat(h), p.get("h"));
        double[] up = new double[N * F * S * S];
        for (int i = 0; i < N * F; i++) {
            for (int y = 0; y < S; y++) {
                for (int x = 0; x < S; x++) {
                    up[(i * S + y) * S + x] = hq[(i * (S / 2) + y / 2) * (S / 2) + x / 2];
                }
            }
        }
        float[] w2 = Tensors.floats(w.get("w2"));
        float[] s2 = QdqGraph.weightScales(w2, new long[] {1, F, 3, 3}, 0);
        double[] c = conv(up, N, F, S, S, weights(w2, s2, F * 9), bias(Tensors.floats(w.get("b2")), p.get("h"), s2), 1, 1, 1);
        double[] cq = fakeQuant(toFloat(c), p.get("conv2"));
        double[] img = new double[cq.length];
        for (int i = 0; i < img.length; i++) {
            img[i] = 1 / (1 + Math.exp(-cq[i]));
        }
        Map<String, Tensor> in = Map.of("z", Tensor.of(z, N, D));
        compare(img, run(qdq, in, "x_hat", false), "decoder as written");
        compare(img, run(qdq, in, "x_hat", true), "decoder in ORT's fused int8 kernels");
    }

    /**
     * Equal to float rounding, except where a value sits on a rounding boundary of some quantiser (float
     * vs double, or ORT's integer requantisation): there one quantisation step flips. Those are rare.
     */
    private static void compare(double[] want, float[] got, String what) {
        assertEquals(want.length, got.length);
        int off = 0;
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            double d = Math.abs(want[i] - got[i]);
            max = Math.max(max, d);
            if (d > 1e-4 * Math.max(1, Math.abs(want[i]))) {
                off++;
            }
        }
        assertTrue(off <= want.length / 50, what + ": " + off + " of " + want.length + " values differ (max " + max + ")");
        assertTrue(max < 0.1, what + ": max |difference| " + max);
    }

    private static void checkWeights(ModelProto qdq, String name, int channels) {
        TensorProto t = new GraphIndex(qdq.getGraph()).initializers().get(name);
        assertEquals(TensorProto.DataType.INT8_VALUE, t.getDataType(), name);
        byte[] q = t.getRawData().toByteArray();
        int per = q.length / channels;
        for (int c = 0; c < channels; c++) {
            int max = 0;
            for (int j = 0; j < per; j++) {
                max = Math.max(max, Math.abs(q[c * per + j]));
            }
            assertEquals(QdqGraph.WEIGHT_MAX, max, "symmetric per-channel weights use the full range in channel " + c);
        }
    }

    private static float[] run(ModelProto m, Map<String, Tensor> in, String out, boolean optimise) throws Exception {
        try (OrtSession.SessionOptions o = Sessions.options(Device.CPU)) {
            if (!optimise) {
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            }
            try (OrtSession s = Sessions.environment().createSession(m.toByteArray(), o)) {
                return SessionRun.run(s, in).get(out).floats();
            }
        }
    }

    private static double[] fakeQuant(float[] v, QuantParams p) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = p.dequantize(p.quantize(v[i]));
        }
        return out;
    }

    private static double[] fakeQuant(double[] v, QuantParams p) {
        return fakeQuant(toFloat(v), p);
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /** Our own symmetric per-channel quantisation: round(w / s_c) in [-63, 63] (7-bit weights), times s_c. */
    private static double[] weights(float[] w, float[] scales, int perChannel) {
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            float s = scales[i / perChannel];
            double q = Math.max(-63, Math.min(63, Math.rint(w[i] / s)));
            out[i] = (float) (q * s);
        }
        return out;
    }

    private static double[] bias(float[] b, QuantParams x, float[] ws) {
        double[] out = new double[b.length];
        for (int c = 0; c < b.length; c++) {
            float s = x.scale() * ws[c];
            out[c] = Math.rint(b[c] / s) * s;
        }
        return out;
    }

    private static double[] conv(double[] x, int n, int cin, int h, int wd, double[] w, double[] b, int cout, int stride,
                                 int pad) {
        int oh = (h + 2 * pad - 3) / stride + 1;
        int ow = (wd + 2 * pad - 3) / stride + 1;
        double[] y = new double[n * cout * oh * ow];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < cout; o++) {
                for (int yy = 0; yy < oh; yy++) {
                    for (int xx = 0; xx < ow; xx++) {
                        double s = b[o];
                        for (int c = 0; c < cin; c++) {
                            for (int ky = 0; ky < 3; ky++) {
                                for (int kx = 0; kx < 3; kx++) {
                                    int iy = yy * stride - pad + ky;
                                    int ix = xx * stride - pad + kx;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        s += x[((i * cin + c) * h + iy) * wd + ix] * w[((o * cin + c) * 3 + ky) * 3 + kx];
                                    }
                                }
                            }
                        }
                        y[((i * cout + o) * oh + yy) * ow + xx] = s;
                    }
                }
            }
        }
        return y;
    }

    /** y = x W^T + b, W [out, in]. */
    private static double[] gemm(double[] x, int n, int in, double[] w, double[] b, int out) {
        double[] y = new double[n * out];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int k = 0; k < in; k++) {
                    s += x[i * in + k] * w[o * in + k];
                }
                y[i * out + o] = s;
            }
        }
        return y;
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
