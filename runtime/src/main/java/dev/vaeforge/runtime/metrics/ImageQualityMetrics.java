package dev.vaeforge.runtime.metrics;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.data.ImageShape;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * SSIM and GMSD of image batches, run as ONNX graphs ({@link QualityGraph}) in ONNX Runtime. One session
 * per channel count and metric set, created on first use and kept; sessions are thread-safe, so one
 * instance serves concurrent callers. Close it to free the native sessions.
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
    private final OrtEnvironment env;
    private final OrtSession.SessionOptions options;
    private final boolean ownsOptions;
    private final OrtSession[] sessions = new OrtSession[2 * QualityGraph.Kind.values().length];
    private boolean closed;

    /** CPU, all graph optimisations (the fast depthwise path needs them), one intra-op thread per core. */
    public ImageQualityMetrics() throws OrtException {
        this(OrtEnvironment.getEnvironment(), defaultOptions(), true);
    }

    /**
     * Runs with the caller's session options, e.g. with a CUDA execution provider added. The caller keeps
     * ownership of {@code options} and closes them after this object. Use optimisation level ALL on CPU:
     * without layout optimisations the grouped convolutions fall back to a much slower kernel.
     */
    public ImageQualityMetrics(OrtEnvironment env, OrtSession.SessionOptions options) {
        this(env, options, false);
    }

    private ImageQualityMetrics(OrtEnvironment env, OrtSession.SessionOptions options, boolean ownsOptions) {
        this.env = env;
        this.options = options;
        this.ownsOptions = ownsOptions;
    }

    /** The options the no-argument constructor uses. */
    public static OrtSession.SessionOptions defaultOptions() throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        o.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
        return o;
    }

    /** SSIM and GMSD of each image of {@code a} against the same image of {@code b}, in one session run. */
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
        OrtSession session = session(shape.channels(), kind);
        long[] dims = shape.batchShape(n);
        try (OnnxTensor ta = OnnxTensor.createTensor(env, FloatBuffer.wrap(a), dims);
             OnnxTensor tb = OnnxTensor.createTensor(env, FloatBuffer.wrap(b), dims);
             OrtSession.Result r = session.run(Map.of(QualityGraph.INPUT_A, ta, QualityGraph.INPUT_B, tb))) {
            String[] names = kind.outputNames();
            float[][] out = new float[names.length][];
            for (int i = 0; i < names.length; i++) {
                String name = names[i];
                out[i] = (float[]) r.get(name).orElseThrow(() -> new IllegalStateException("quality graph has no output " + name))
                        .getValue();
            }
            return out;
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

    private synchronized OrtSession session(int channels, QualityGraph.Kind kind) throws OrtException {
        if (closed) {
            throw new IllegalStateException("ImageQualityMetrics is closed");
        }
        int slot = kind.ordinal() * 2 + (channels == 1 ? 0 : 1);
        if (sessions[slot] == null) {
            sessions[slot] = env.createSession(QualityGraph.build(channels, kind).toByteArray(), options);
        }
        return sessions[slot];
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** Closes the sessions (and the options, if this object made them). Runs in flight must have ended. */
    @Override
    public synchronized void close() throws OrtException {
        if (closed) {
            return;
        }
        closed = true;
        OrtException first = null;
        for (int i = 0; i < sessions.length; i++) {
            if (sessions[i] != null) {
                try {
                    sessions[i].close();
                } catch (OrtException e) {
                    first = first == null ? e : first;
                }
                sessions[i] = null;
            }
        }
        if (ownsOptions) {
            options.close();
        }
        if (first != null) {
            throw first;
        }
    }
}
