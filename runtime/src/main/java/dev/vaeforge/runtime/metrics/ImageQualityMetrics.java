package dev.vaeforge.runtime.metrics;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.data.ImageShape;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * SSIM and GMSD of image batches, run as ONNX graphs ({@link QualityGraph}) in ONNX Runtime. Sessions
 * (one per channel count and metric set) are created on first use and kept; they are thread-safe, so
 * one instance serves concurrent callers. Close it to free the native sessions and threads.
 *
 * <p>On CPU a batch is cut into chunks of 16 images run side by side, each on one thread: a chunk's
 * intermediate maps stay in the core's cache and no operator waits for another thread. With 2 cores this
 * did 14.0k images/s against 9.7k for one 64-image run on 2 intra-op threads (64x64 RGB, measured).
 *
 * <p>Images are float NCHW in [0, 1] (data range 1; values are not clamped). A batch of n images of
 * {@code shape} is {@code n * shape.size()} floats.
 *
 * <pre>{@code
 * try (ImageQualityMetrics m = new ImageQualityMetrics()) {
 *     Quality[] q = m.quality(x, xHat, n, new ImageShape(3, 64, 64));
 * }
 * }</pre>
 */
public final class ImageQualityMetrics implements AutoCloseable {
    /** Images per run when chunking: one block of the graph, so chunks need no padding. */
    static final int CHUNK = Nodes.BLOCK;

    private final QualitySessions sessions;
    private final OrtSession.SessionOptions ownedOptions;
    private final ExecutorService pool;
    private final InputBuffers buffers = new InputBuffers();

    /** CPU: {@link #defaultOptions()}, chunks of 16 images run on as many threads as there are cores. */
    public ImageQualityMetrics() throws OrtException {
        this(OrtEnvironment.getEnvironment(), defaultOptions(), Runtime.getRuntime().availableProcessors(), true);
    }

    /**
     * The caller's session options, e.g. with a CUDA execution provider added; each batch is one run. The
     * caller keeps ownership of {@code options} and closes them after this object. On CPU use
     * optimisation level ALL: without layout optimisations the grouped convolutions fall back to a much
     * slower kernel. With several intra-op threads on a shared machine, set
     * {@code session.intra_op.allow_spinning} to 0: spinning workers halved the median throughput on a
     * 2-core machine busy with other builds (2.9k vs 5.6k images/s, measured).
     */
    public ImageQualityMetrics(OrtEnvironment env, OrtSession.SessionOptions options) {
        this(env, options, 1, false);
    }

    /**
     * The caller's session options, with batches cut into chunks of 16 images of which up to
     * {@code concurrentRuns} run at once (1: each batch is one run). For CPU options with one intra-op
     * thread, as many concurrent runs as cores is the fast setting.
     */
    public ImageQualityMetrics(OrtEnvironment env, OrtSession.SessionOptions options, int concurrentRuns) {
        this(env, options, concurrentRuns, false);
    }

    private ImageQualityMetrics(OrtEnvironment env, OrtSession.SessionOptions options, int concurrentRuns, boolean ownsOptions) {
        if (concurrentRuns < 1) {
            throw new IllegalArgumentException("concurrentRuns must be at least 1, got " + concurrentRuns);
        }
        this.sessions = new QualitySessions(env, options);
        this.ownedOptions = ownsOptions ? options : null;
        this.pool = concurrentRuns == 1 ? null : Executors.newFixedThreadPool(concurrentRuns, r -> {
            Thread t = new Thread(r, "vaeforge-quality");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The options the no-argument constructor uses: all graph optimisations (the fast depthwise path needs
     * the layout ones) and one intra-op thread, because parallelism comes from running chunks side by side.
     */
    public static OrtSession.SessionOptions defaultOptions() throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        o.setIntraOpNumThreads(1);
        return o;
    }

    /** SSIM and GMSD of each image of {@code a} against the same image of {@code b}, from one graph. */
    public Quality[] quality(float[] a, float[] b, int n, ImageShape shape) throws OrtException {
        float[][] out = run(QualityGraph.Kind.BOTH, a, b, n, shape);
        Quality[] q = new Quality[n];
        for (int i = 0; i < n; i++) {
            q[i] = new Quality(out[0][i], out[1][i]);
        }
        return q;
    }

    /** SSIM per image; images must be at least 11x11 (the Gaussian window). */
    public double[] ssim(float[] a, float[] b, int n, ImageShape shape) throws OrtException {
        return toDouble(run(QualityGraph.Kind.SSIM, a, b, n, shape)[0]);
    }

    /** GMSD per image; images must be at least 2x2 (one pooling block). */
    public double[] gmsd(float[] a, float[] b, int n, ImageShape shape) throws OrtException {
        return toDouble(run(QualityGraph.Kind.GMSD, a, b, n, shape)[0]);
    }

    private float[][] run(QualityGraph.Kind kind, float[] a, float[] b, int n, ImageShape shape) throws OrtException {
        check(kind, a, b, n, shape);
        OrtSession session = sessions.get(shape.channels(), kind);
        float[][] out = new float[kind.outputNames().length][n];
        if (pool == null || n <= CHUNK) {
            runChunk(session, kind, a, b, 0, n, shape, out);
            return out;
        }
        List<Future<Void>> chunks = new ArrayList<>();
        for (int first = 0; first < n; first += CHUNK) {
            int start = first;
            int count = Math.min(CHUNK, n - first);
            chunks.add(pool.submit(() -> {
                runChunk(session, kind, a, b, start, count, shape, out);
                return null;
            }));
        }
        for (Future<Void> f : chunks) {
            await(f);
        }
        return out;
    }

    /** Images [first, first + count) through one run; the graph wants a multiple of 16, zero images fill up. */
    private void runChunk(OrtSession session, QualityGraph.Kind kind, float[] a, float[] b, int first, int count,
                          ImageShape shape, float[][] out) throws OrtException {
        int padded = (count + Nodes.BLOCK - 1) / Nodes.BLOCK * Nodes.BLOCK;
        if ((long) padded * shape.size() * Float.BYTES > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a run of " + count + " images of " + shape + " needs more than 2 GiB per input"
                    + " in native memory; split the batch");
        }
        long[] dims = shape.batchShape(padded);
        FloatBuffer[] in = buffers.take(padded * shape.size());
        OrtEnvironment env = sessions.env();
        try (OnnxTensor ta = OnnxTensor.createTensor(env, InputBuffers.fill(in[0], a, first * shape.size(), count * shape.size()), dims);
             OnnxTensor tb = OnnxTensor.createTensor(env, InputBuffers.fill(in[1], b, first * shape.size(), count * shape.size()), dims);
             OrtSession.Result r = session.run(Map.of(QualityGraph.INPUT_A, ta, QualityGraph.INPUT_B, tb))) {
            String[] names = kind.outputNames();
            for (int i = 0; i < names.length; i++) {
                String name = names[i];
                float[] values = (float[]) r.get(name)
                        .orElseThrow(() -> new IllegalStateException("quality graph has no output " + name)).getValue();
                System.arraycopy(values, 0, out[i], first, count);
            }
        } finally {
            buffers.release(in);
        }
    }

    private static void await(Future<Void> f) throws OrtException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a quality metric run", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof OrtException ort) {
                throw ort;
            }
            if (cause instanceof RuntimeException rt) {
                throw rt;
            }
            throw new IllegalStateException("quality metric run failed", cause);
        }
    }

    static void check(QualityGraph.Kind kind, float[] a, float[] b, int n, ImageShape shape) {
        if (n < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + n);
        }
        long expected = (long) n * shape.size();
        if (a.length != expected || b.length != expected) {
            throw new IllegalArgumentException("images a and b must hold n*C*H*W = " + n + "*" + shape.channels() + "*"
                    + shape.height() + "*" + shape.width() + " = " + expected + " floats, got " + a.length + " and " + b.length);
        }
        int min = kind.ssim ? QualityConstants.SSIM_WINDOW : QualityConstants.GMSD_MIN_SIDE;
        if (shape.height() < min || shape.width() < min) {
            throw new IllegalArgumentException((kind.ssim ? "SSIM" : "GMSD") + " needs images of at least " + min + "x" + min
                    + (kind.ssim ? " (the Gaussian window)" : " (one pooling block)") + ", got "
                    + shape.height() + "x" + shape.width());
        }
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** Closes the sessions, the threads and (if this object made them) the options. Runs in flight must have ended. */
    @Override
    public void close() throws OrtException {
        if (pool != null) {
            pool.shutdown();
        }
        try {
            sessions.close();
        } finally {
            if (ownedOptions != null) {
                ownedOptions.close();
            }
            buffers.clear();
        }
    }
}
