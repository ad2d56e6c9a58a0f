package dev.vaeforge.runtime.importer;

import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Small foreign-looking graphs for the import tests, built with the runtime's GraphBuilder: images 1x2x2, a
 * Gaussian latent of 2 (mean = first two pixels, log-variance = -(last two)), a decoder of 2 -> 1x2x2 through a
 * sigmoid. Each builder takes the knob its refusal test turns.
 */
final class ForeignGraphs {
    static final float[] W_MEAN = {1, 0, 0, 0, 0, 1, 0, 0};
    static final float[] W_LOGVAR = {0, 0, -1, 0, 0, 0, 0, -1};
    static final float[] V = {1, 0, 0, 1, 1, 1, 1, -1};

    private ForeignGraphs() {
    }

    /** An encoder with outputs {@code meanName}, {@code logvarName}; batch {@code batch} (-1: dynamic). */
    static ModelProto encoder(String meanName, String logvarName, long batch, int latent, String extraOp) {
        GraphBuilder e = new GraphBuilder("enc");
        String x = e.input("input", DType.FLOAT, batch, 1, 2, 2);
        String flat = e.op("Flatten").in(x).attr("axis", 1L).out("flat");
        if (extraOp != null) {
            // an op whose output is added to the mean (zero times it, so the numbers would not even show it)
            String r = e.op(extraOp).in(flat).out("r");
            flat = e.op("Add").in(flat, e.op("Mul").in(r, e.scalar("zero", 0f)).out("r0")).out("flat2");
        }
        float[] wm = new float[latent * 4];
        float[] wl = new float[latent * 4];
        System.arraycopy(W_MEAN, 0, wm, 0, Math.min(8, wm.length));
        System.arraycopy(W_LOGVAR, 0, wl, 0, Math.min(8, wl.length));
        String m = e.op("Gemm").in(flat, e.initializer("wm", wm, latent, 4)).attr("transB", 1L).out("m");
        String l = e.op("Gemm").in(flat, e.initializer("wl", wl, latent, 4)).attr("transB", 1L).out("l");
        e.output(meanName, m, DType.FLOAT, batch, latent);
        e.output(logvarName, l, DType.FLOAT, batch, latent);
        return e.build(Map.of());
    }

    static ModelProto encoder() {
        return encoder("mu", "logvar", -1, 2, null);
    }

    /** A decoder z[N,latent] -> [N,1,2,2], ending in {@code lastOp} (Sigmoid, Tanh, or null for none). */
    static ModelProto decoder(int latent, String lastOp) {
        GraphBuilder d = new GraphBuilder("dec");
        String z = d.input("z", DType.FLOAT, -1, latent);
        float[] v = new float[4 * latent];
        System.arraycopy(V, 0, v, 0, Math.min(8, v.length));
        String h = d.op("Gemm").in(z, d.initializer("v", v, 4, latent)).attr("transB", 1L).out("h");
        String img = d.op("Reshape").in(h, d.ints("shape", -1, 1, 2, 2)).out("img");
        if (lastOp != null) {
            img = d.op(lastOp).in(img).out("act");
        }
        d.output("x_hat", img, DType.FLOAT, -1, 1, 2, 2);
        return d.build(Map.of());
    }

    static Path write(Path dir, String name, ModelProto m) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve(name);
        Files.write(f, m.toByteArray());
        return f;
    }
}
