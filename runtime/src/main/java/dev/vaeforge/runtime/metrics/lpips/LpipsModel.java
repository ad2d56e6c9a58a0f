package dev.vaeforge.runtime.metrics.lpips;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.runtime.onnx.OnnxModels;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.TensorProto;
import dev.vaeforge.runtime.ops.GraphRunner;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * LPIPS distances from a user-supplied ONNX graph. vaeforge cannot ship the pretrained LPIPS
 * weights, so the graph is whatever the user exported (runtime README, section LPIPS) or built with
 * {@link LpipsAlexNetGraph}; its real signature is checked by {@link LpipsSignature} when it is
 * opened, so a wrong file fails at once with what was expected and found, not in the middle of an
 * evaluation.
 *
 * <p>Images come in as vaeforge has them: float NCHW in [0,1]. They are mapped to [-1,1]
 * ({@code 2x - 1}), the range the LPIPS networks were trained on, and gray images (1 channel) are
 * replicated to R, G and B, as LPIPS has no gray variant and this is how a gray image is shown on an
 * RGB screen. Pairs are run in chunks of {@link #CHUNK} so memory stays bounded for any {@code n}.
 * Safe to use from several threads at once; close it to free the native session.
 */
public final class LpipsModel implements AutoCloseable {
    /** Image pairs per ORT run, so native memory holds one chunk's activations whatever {@code n} is. */
    public static final int CHUNK = 32;

    private final Path file;
    private final String description;
    private final LpipsSignature signature;
    private final LpipsGraphInfo info;
    private final String sha256;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private OrtSession session;

    private LpipsModel(Path file, String description, OrtSession session, LpipsSignature signature,
                       LpipsGraphInfo info, String sha256) {
        this.file = file;
        this.description = description;
        this.session = session;
        this.signature = signature;
        this.info = info;
        this.sha256 = sha256;
    }

    /** Opens the LPIPS graph in {@code file} on {@code device}, or says why it cannot be used. */
    public static LpipsModel open(Path file, Device device) {
        byte[] bytes = read(file);
        ModelProto model;
        try {
            model = OnnxModels.parse(bytes, file.toString());
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, e.getMessage()
                    + " (expected an LPIPS graph exported with torch.onnx.export; see the runtime README, section LPIPS)", e);
        }
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, file + ": initializer '" + t.getName()
                        + "' references external data; expected a self-contained graph (one .onnx file)");
            }
        }
        OrtSession session = createSession(bytes, file, device);
        try {
            LpipsSignature signature = signature(file, session);
            String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
            LpipsGraphInfo info = LpipsGraphInfo.of(model);
            String sha = Hashing.sha256(bytes);
            return new LpipsModel(file, name + " (LPIPS-" + info.backbone() + ", sha256 " + sha.substring(0, 12) + ")",
                    session, signature, info, sha);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /** File name, backbone and sha256 prefix, e.g. {@code lpips_alex.onnx (LPIPS-alex, sha256 3f2a9c0d11be)}. */
    public String description() {
        return description;
    }

    /** The graph file this was opened from. */
    public Path file() {
        return file;
    }

    /** The sha256 of the graph file, hex. */
    public String sha256() {
        return sha256;
    }

    /** The backbone ({@code alex}, {@code squeeze}, {@code vgg} or {@code unknown}) and the smallest image size. */
    public LpipsGraphInfo info() {
        return info;
    }

    /**
     * Why images of {@code shape} cannot be measured, or null when they can: smaller than the graph's
     * backbone accepts ({@link LpipsGraphInfo}), or different from a fixed height or width of the graph.
     */
    public String unsupportedReason(ImageShape shape) {
        if (!info.fits(shape.height(), shape.width())) {
            return "images are " + shape.height() + "x" + shape.width() + ", smaller than the " + info.minHeight() + "x"
                    + info.minWidth() + " LPIPS-" + info.backbone() + " needs";
        }
        try {
            signature.check(shape);
            return null;
        } catch (VaeforgeException e) {
            return e.getMessage();
        }
    }

    /**
     * Refuses images of this shape up front ({@link #distance} checks it too): smaller than the
     * graph's convolutions and poolings accept ({@link LpipsGraphInfo}, found from the graph by
     * rule, because ORT does not enforce it: where PyTorch refuses AlexNet's second max pooling on
     * too small a map, ORT returns a number that is not LPIPS, or aborts), or different from a fixed
     * height or width of the graph.
     */
    public void check(ImageShape shape) {
        if (!info.fits(shape.height(), shape.width())) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "LPIPS-" + info.backbone() + " needs images of"
                    + " at least " + info.minHeight() + "x" + info.minWidth() + " (height x width), found "
                    + shape.height() + "x" + shape.width() + "; resize them first (e.g. 28x28 digits to 32x32)");
        }
        signature.check(shape);
    }

    /**
     * The LPIPS distance of each pair {@code (a[i], b[i])}, {@code i < n}: {@code a} and {@code b}
     * hold {@code n} images of {@code shape} each, NCHW, values in [0,1].
     */
    public double[] distance(float[] a, float[] b, int n, ImageShape shape) {
        checkLength("a", a, n, shape);
        checkLength("b", b, n, shape);
        check(shape);
        double[] out = new double[n];
        lock.readLock().lock();
        try {
            if (session == null) {
                throw new IllegalStateException("LPIPS model " + description + " is closed");
            }
            dev.vaeforge.runtime.model.Chunks.forEach(n, CHUNK, (start, m) -> {
                float[] d = run(toModelInput(a, start, m, shape), toModelInput(b, start, m, shape), m, shape);
                for (int i = 0; i < m; i++) {
                    out[start + i] = d[i];
                }
            });
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Frees the native session; later calls to {@link #distance} fail, a second close does nothing. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closeQuietly(session);
            session = null;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private float[] run(float[] a, float[] b, int m, ImageShape shape) {
        long[] dims = {m, 3, shape.height(), shape.width()};
        float[] d;
        try {
            d = GraphRunner.run(session, List.of(new GraphRunner.Input(signature.inputA(), a, dims),
                    new GraphRunner.Input(signature.inputB(), b, dims)), List.of(signature.output()))[0];
        } catch (VaeforgeException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, file + ": LPIPS graph failed on " + m
                    + " image pairs of " + shape + ": " + e.getMessage(), e);
        }
        if (d.length != m) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, file + ": output " + signature.output() + " has "
                    + d.length + " values for " + m + " image pairs, expected one per pair");
        }
        return d;
    }

    /** Images {@code start .. start+m-1} as the graph wants them: 3 channels, values in [-1,1]. */
    static float[] toModelInput(float[] images, int start, int m, ImageShape shape) {
        int plane = shape.height() * shape.width();
        float[] out = new float[m * 3 * plane];
        for (int i = 0; i < m; i++) {
            int src = (start + i) * shape.size();
            for (int c = 0; c < 3; c++) {
                int from = src + (shape.channels() == 1 ? 0 : c * plane);
                int to = (i * 3 + c) * plane;
                for (int p = 0; p < plane; p++) {
                    out[to + p] = 2 * images[from + p] - 1;
                }
            }
        }
        return out;
    }

    private static void checkLength(String what, float[] data, int n, ImageShape shape) {
        if (n < 1) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "LPIPS needs at least one image pair, got n = " + n);
        }
        if (data.length != (long) n * shape.size()) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, "LPIPS images " + what + ": " + data.length
                    + " values, expected " + n + " x " + shape + " = " + (long) n * shape.size());
        }
    }

    private static byte[] read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, file + ": no such file (expected an LPIPS ONNX graph)");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.IO, file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static OrtSession createSession(byte[] bytes, Path file, Device device) {
        try (OrtSession.SessionOptions opts = Sessions.options(device)) {
            return Sessions.environment().createSession(bytes, opts);
        } catch (OrtException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, file
                    + ": ONNX Runtime cannot load this graph (expected an LPIPS graph): " + e.getMessage(), e);
        }
    }

    private static LpipsSignature signature(Path file, OrtSession session) {
        try {
            return LpipsSignature.of(file.toString(), session.getInputInfo(), session.getOutputInfo());
        } catch (OrtException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, file + ": cannot read the graph signature: "
                    + e.getMessage(), e);
        }
    }

    private static void closeQuietly(OrtSession s) {
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (OrtException e) {
            // closing frees native memory; a failure here leaves nothing for the caller to do
        }
    }
}
