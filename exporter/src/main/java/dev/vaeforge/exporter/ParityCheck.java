package dev.vaeforge.exporter;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.ops.GraphRunner;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.Sessions;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds the same inputs to a DJL block (inference mode) and to its exported ONNX graph in ONNX
 * Runtime, and returns the largest absolute difference over all outputs.
 */
public final class ParityCheck {
    private ParityCheck() {
    }

    /** A named graph input with its data; the DJL block receives the inputs in this order. */
    public record Feed(String name, float[] data, long[] shape) {
    }

    /**
     * @param djlPost applied to the DJL outputs before comparison (e.g. a sigmoid the graph adds)
     */
    public static double maxAbsDifference(Block block, byte[] onnxModel, List<Feed> feeds, List<String> outputs,
                                          java.util.function.UnaryOperator<NDList> djlPost) {
        float[][] ort;
        try (OrtSession session = Sessions.create(onnxModel, "parity graph", Device.CPU)) {
            List<GraphRunner.Input> in = new ArrayList<>();
            for (Feed f : feeds) {
                in.add(new GraphRunner.Input(f.name(), f.data(), f.shape()));
            }
            ort = GraphRunner.run(session, in, outputs);
        } catch (ai.onnxruntime.OrtException e) {
            throw new IllegalStateException("cannot close parity session", e);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDList x = new NDList();
            for (Feed f : feeds) {
                x.add(m.create(f.data(), new Shape(f.shape())));
            }
            NDList djl = djlPost.apply(block.forward(new ParameterStore(m, false), x, false));
            if (djl.size() != outputs.size()) {
                throw new IllegalStateException("DJL block gave " + djl.size() + " outputs, graph " + outputs.size());
            }
            double max = 0;
            for (int o = 0; o < outputs.size(); o++) {
                float[] a = djl.get(o).toFloatArray();
                float[] b = ort[o];
                if (a.length != b.length) {
                    throw new IllegalStateException("output '" + outputs.get(o) + "': DJL gave " + a.length
                            + " values, ONNX Runtime " + b.length);
                }
                for (int i = 0; i < a.length; i++) {
                    double diff = Math.abs((double) a[i] - b[i]);
                    if (Double.isNaN(diff)) {
                        return Double.NaN;
                    }
                    max = Math.max(max, diff);
                }
            }
            return max;
        }
    }
}
