package dev.vaeforge.runtime.quantize;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.model.Tensor;
import dev.vaeforge.runtime.onnx.proto.Onnx.GraphProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.TensorProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.TypeProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.ValueInfoProto;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.SessionRun;
import dev.vaeforge.runtime.session.Sessions;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Measures the range of every tensor a {@link QdqGraph.Plan} quantises: a copy of the fp32 graph with
 * those tensors added as graph outputs runs on the calibration batches in ONNX Runtime (CPU), and each
 * tensor's values go into a {@link RangeCollector}.
 */
final class Calibrator {
    private Calibrator() {
    }

    /**
     * @param batches the graph's inputs, one map per batch
     * @param progress called with the number of batches done after each (both passes count)
     */
    static Map<String, QuantParams> calibrate(ModelProto fp32, QdqGraph.Plan plan, List<Map<String, Tensor>> batches,
                                              CalibrationMethod method, double percentile, IntConsumer progress) {
        Set<String> roots = plan.roots();
        Map<String, RangeCollector> ranges = new LinkedHashMap<>();
        for (String r : roots) {
            ranges.put(r, new RangeCollector());
        }
        byte[] copy = withOutputs(fp32, roots).toByteArray();
        int passes = method == CalibrationMethod.PERCENTILE ? 2 : 1;
        int done = 0;
        try (OrtSession s = Sessions.create(copy, plan.graph() + " (calibration copy)", Device.CPU)) {
            for (int pass = 0; pass < passes; pass++) {
                for (Map<String, Tensor> feed : batches) {
                    Map<String, Tensor> out = SessionRun.run(s, feed);
                    for (String r : roots) {
                        Tensor t = out.containsKey(r) ? out.get(r) : feed.get(r);
                        if (t == null || t.floats() == null) {
                            throw new IllegalStateException("calibration did not return float tensor '" + r + "'");
                        }
                        if (pass == 0) {
                            ranges.get(r).observeRange(t.floats());
                        } else {
                            ranges.get(r).observeHistogram(t.floats());
                        }
                    }
                    progress.accept(++done);
                }
            }
        } catch (OrtException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, plan.graph()
                    + ": ONNX Runtime failed on the calibration data: " + e.getMessage(), e);
        }
        Map<String, QuantParams> params = new LinkedHashMap<>();
        for (Map.Entry<String, RangeCollector> e : ranges.entrySet()) {
            RangeCollector c = e.getValue();
            double[] range = method == CalibrationMethod.PERCENTILE ? c.percentileRange(percentile)
                    : new double[] {c.min(), c.max()};
            params.put(e.getKey(), QuantParams.of(range[0], range[1]));
        }
        return params;
    }

    /** {@code model} with each of {@code tensors} also a graph output (those that are inputs or outputs already excepted). */
    static ModelProto withOutputs(ModelProto model, Set<String> tensors) {
        GraphProto g = model.getGraph();
        Set<String> present = new HashSet<>();
        g.getOutputList().forEach(v -> present.add(v.getName()));
        g.getInputList().forEach(v -> present.add(v.getName()));
        GraphProto.Builder b = g.toBuilder();
        for (String t : tensors) {
            if (present.add(t)) {
                b.addOutput(ValueInfoProto.newBuilder().setName(t).setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
            }
        }
        return model.toBuilder().setGraph(b).build();
    }
}
