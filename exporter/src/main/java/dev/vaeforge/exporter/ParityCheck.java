package dev.vaeforge.exporter;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.Sessions;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The one parity mechanism for every exported graph: the same inputs go, by name, to a DJL block in
 * inference mode and to the graph in ONNX Runtime, and the outputs are compared by name. A float
 * output is measured as max |ORT - DJL|; an integer output (a quantizer's code indices) is counted
 * value by value, since an index is either the same code or another one.
 */
public final class ParityCheck {
    private ParityCheck() {
    }

    /** A named graph input with its data; the DJL block receives the inputs in list order. */
    public record Feed(String name, float[] data, long[] shape) {
    }

    /**
     * Names the DJL block's outputs after the graph's, possibly transformed (a sigmoid the graph adds)
     * or taken from elsewhere in the block (a codebook the graph returns); the map's order is the order
     * of {@link Result#outputs()}.
     */
    @FunctionalInterface
    public interface DjlOutputs {
        Map<String, NDArray> name(NDList outputs);

        /** The block's outputs in order, named {@code names}; their count must match. */
        static DjlOutputs positional(String... names) {
            return l -> {
                if (l.size() != names.length) {
                    throw new IllegalStateException("DJL block gave " + l.size() + " outputs, graph " + names.length);
                }
                Map<String, NDArray> m = new LinkedHashMap<>();
                for (int i = 0; i < names.length; i++) {
                    m.put(names[i], l.get(i));
                }
                return m;
            };
        }

        /** The block's single output, named {@code name} after {@code post}. */
        static DjlOutputs single(String name, UnaryOperator<NDArray> post) {
            return l -> Map.of(name, post.apply(l.singletonOrThrow()));
        }
    }

    /**
     * One output compared: {@code maxAbs} for a float output (NaN when either side has NaN), the
     * number of {@code mismatches} among {@code values} for an integer output.
     */
    public record OutputDifference(String name, boolean integer, long values, long mismatches, double maxAbs) {
    }

    /**
     * One graph's comparison. {@code inputs} says what was fed ("random z_e, seed 5"), for messages.
     */
    public record Result(String inputs, List<OutputDifference> outputs) {
        public Result {
            outputs = List.copyOf(outputs);
        }

        /** The largest max |ORT - DJL| over the float outputs (NaN if any is NaN; 0 if there are none). */
        public double maxAbs() {
            double max = 0;
            for (OutputDifference d : outputs) {
                if (!d.integer()) {
                    if (Double.isNaN(d.maxAbs())) {
                        return Double.NaN;
                    }
                    max = Math.max(max, d.maxAbs());
                }
            }
            return max;
        }

        /** The first integer output whose values differ from DJL's anywhere. */
        public Optional<OutputDifference> firstMismatch() {
            return outputs.stream().filter(d -> d.integer() && d.mismatches() != 0).findFirst();
        }
    }

    /**
     * Runs {@code graph} in ONNX Runtime (CPU) and {@code block} in DJL on {@code feeds} and compares every
     * output {@code djl} names with the graph's output of that name.
     *
     * @param inputs a description of the feeds for messages, e.g. "random z_e, seed 5"
     */
    public static Result compare(Block block, byte[] graph, List<Feed> feeds, String inputs, DjlOutputs djl) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList x = new NDList();
            for (Feed f : feeds) {
                x.add(m.create(f.data(), new Shape(f.shape())));
            }
            Map<String, NDArray> expected = djl.name(block.forward(new ParameterStore(m, false), x, false));
            try (OrtSession session = Sessions.create(graph, "parity graph", Device.CPU)) {
                Map<String, OnnxTensor> in = new LinkedHashMap<>();
                try {
                    for (Feed f : feeds) {
                        in.put(f.name(), OnnxTensor.createTensor(Sessions.environment(), FloatBuffer.wrap(f.data()),
                                f.shape()));
                    }
                    try (OrtSession.Result r = session.run(in, new LinkedHashSet<>(expected.keySet()))) {
                        List<OutputDifference> out = new ArrayList<>();
                        for (Map.Entry<String, NDArray> e : expected.entrySet()) {
                            OnnxTensor t = (OnnxTensor) r.get(e.getKey()).orElseThrow(() -> new IllegalStateException(
                                    "the graph has no output '" + e.getKey() + "'"));
                            out.add(difference(e.getKey(), e.getValue(), t));
                        }
                        return new Result(inputs, out);
                    }
                } finally {
                    in.values().forEach(OnnxTensor::close);
                }
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed on the parity graph: " + e.getMessage(), e);
            }
        }
    }

    /** {@link #compare} reduced to the largest float difference (for tests of single translations). */
    public static double maxAbsDifference(Block block, byte[] graph, List<Feed> feeds, DjlOutputs djl) {
        return compare(block, graph, feeds, "test inputs", djl).maxAbs();
    }

    private static OutputDifference difference(String name, NDArray djl, OnnxTensor ort) {
        if (ort.getInfo().type == OnnxJavaType.INT64) {
            LongBuffer lb = ort.getLongBuffer();
            long[] b = new long[lb.remaining()];
            lb.get(b);
            long[] a = djl.toType(DataType.INT64, false).toLongArray();
            sameLength(name, a.length, b.length);
            long mismatches = 0;
            for (int i = 0; i < a.length; i++) {
                mismatches += a[i] == b[i] ? 0 : 1;
            }
            return new OutputDifference(name, true, a.length, mismatches, 0);
        }
        if (ort.getInfo().type != OnnxJavaType.FLOAT) {
            throw new IllegalStateException("output '" + name + "' is " + ort.getInfo().type
                    + "; parity compares float32 and int64 outputs");
        }
        FloatBuffer fb = ort.getFloatBuffer();
        float[] b = new float[fb.remaining()];
        fb.get(b);
        float[] a = djl.toType(DataType.FLOAT32, false).toFloatArray();
        sameLength(name, a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double diff = Math.abs((double) a[i] - b[i]);
            if (Double.isNaN(diff)) {
                max = Double.NaN;
                break;
            }
            max = Math.max(max, diff);
        }
        return new OutputDifference(name, false, a.length, 0, max);
    }

    private static void sameLength(String name, int djl, int ort) {
        if (djl != ort) {
            throw new IllegalStateException("output '" + name + "': DJL gave " + djl + " values, ONNX Runtime " + ort);
        }
    }
}
