package dev.vaeforge.cli.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The machine's measured fp32 peak: a square matrix multiply in ONNX Runtime and in DJL/PyTorch (phase
 * "matmul"); the better of the two is what GFLOP/s are compared against.
 */
public final class MatmulPeak {
    public record Result(int size, double ortGflops, double djlGflops) {
        public double peakGflops() {
            return Math.max(ortGflops, djlGflops);
        }

        /** bench.json's "matmul_peak". */
        Map<String, Object> json() {
            Map<String, Object> pk = new LinkedHashMap<>();
            pk.put("size", size);
            pk.put("ort_gflops", ortGflops);
            pk.put("djl_gflops", djlGflops);
            pk.put("measured_peak_gflops", peakGflops());
            return pk;
        }
    }

    private final int size;
    private final Throughput throughput;
    private final MemorySampler memory;

    public MatmulPeak(int size, Throughput throughput, MemorySampler memory) {
        this.size = size;
        this.throughput = throughput;
        this.memory = memory;
    }

    /** Both peaks, ORT with {@code threads} intra-op threads, DJL on {@code device}. */
    public Result measure(int threads, ai.djl.Device device) throws Exception {
        memory.beginPhase();
        double ort = ortGflops(threads);
        double djl = djlGflops(device);
        memory.endPhase("matmul");
        return new Result(size, ort, djl);
    }

    private double ortGflops(int threads) throws Exception {
        int s = size;
        GraphBuilder g = new GraphBuilder("matmul");
        String a = g.input("a", DType.FLOAT, s, s);
        String b = g.input("b", DType.FLOAT, s, s);
        String c = g.op("MatMul").in(a, b).out("c");
        g.output("c", c, DType.FLOAT, s, s);
        byte[] bytes = g.build(Map.of()).toByteArray();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Random rnd = new Random(3);
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.setIntraOpNumThreads(threads);
            try (OrtSession session = env.createSession(bytes, opts);
                 OnnxTensor ta = OnnxTensor.createTensor(env, FloatBuffer.wrap(RuntimeBench.uniform(rnd, s * s)), new long[] {s, s});
                 OnnxTensor tb = OnnxTensor.createTensor(env, FloatBuffer.wrap(RuntimeBench.uniform(rnd, s * s)), new long[] {s, s})) {
                Map<String, OnnxTensor> feed = Map.of("a", ta, "b", tb);
                double perSecond = throughput.perSecond(() -> {
                    try (OrtSession.Result r = session.run(feed)) {
                        r.get(0);
                    }
                }, 1);
                return perSecond * 2.0 * s * s * s / 1e9;
            }
        }
    }

    private double djlGflops(ai.djl.Device d) throws Exception {
        int s = size;
        try (NDManager m = NDManager.newBaseManager(d)) {
            NDArray a = m.randomUniform(0, 1, new Shape(s, s));
            NDArray b = m.randomUniform(0, 1, new Shape(s, s));
            double perSecond = throughput.perSecond(() -> {
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0); // forces completion
                }
            }, 1);
            return perSecond * 2.0 * s * s * s / 1e9;
        }
    }
}
