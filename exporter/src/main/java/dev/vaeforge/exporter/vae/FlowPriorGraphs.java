package dev.vaeforge.exporter.vae;

import ai.djl.ndarray.NDArray;
import dev.vaeforge.exporter.BlockTranslator;
import dev.vaeforge.exporter.ExportContext;
import dev.vaeforge.exporter.GraphSet;
import dev.vaeforge.exporter.ParityCheck;
import dev.vaeforge.exporter.ParityInputs;
import dev.vaeforge.exporter.Tensors;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.trainer.nn.Scalars;
import dev.vaeforge.trainer.prior.CouplingFlow;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A flow prior's two graphs, the bundle's prior as graphs (manifest prior type {@code graphs}):
 * <ul>
 *   <li>{@code prior_log_prob}: z[N,D] (role latent) -> log_prob[N] (role log-prob) = log N(f(z); 0, I) +
 *   log |det df/dz|, the coupling layers of {@link CouplingFlow} forward;</li>
 *   <li>{@code prior_sample}: noise[N,D] (role noise, z* ~ N(0, I) drawn by the runtime) -> z[N,D] (role
 *   latent) = f^-1(z*), the layers in reverse.</li>
 * </ul>
 * Each layer's networks go through {@link BlockTranslator} (Gemm, Tanh); the masks are initializers.
 * Parity is measured against the DJL flow (forward for the density, its inverse block for sampling).
 */
public final class FlowPriorGraphs {
    public static final String Z = "z";
    public static final String NOISE = "noise";
    public static final String LOG_PROB = "log_prob";

    private FlowPriorGraphs() {
    }

    /** z -> log p(z). */
    public static ModelProto logProb(CouplingFlow f, Map<String, String> metadata) {
        int d = f.dim();
        GraphBuilder g = new GraphBuilder("prior_log_prob");
        String x = g.input(Z, DType.FLOAT, -1, d);
        String logdet = null;
        for (int k = 0; k < f.steps(); k++) {
            String[] st = scaleShift(f, k, x, g);
            x = g.op("Add").in(g.op("Mul").in(x, g.op("Exp").in(st[0]).out("prior.exp_s" + k)).out("prior.scaled" + k),
                    st[1]).out("prior.y" + k);
            logdet = logdet == null ? st[0] : g.op("Add").in(logdet, st[0]).out("prior.logdet" + k);
        }
        String quad = g.op("Mul").in(g.op("Mul").in(x, x).out("prior.y2"), g.scalar("prior.minus_half", -0.5f))
                .out("prior.quad");
        String perDim = g.op("Add").in(quad, logdet).out("prior.per_dim");
        String sum = g.op("ReduceSum").in(perDim, g.ints("prior.axis1", 1)).attr("keepdims", 0L).out("prior.sum");
        String lp = g.op("Add").in(sum, g.scalar("prior.norm", (float) (-0.5 * d * Math.log(2 * Math.PI))))
                .out("prior.log_prob");
        g.output(LOG_PROB, lp, DType.FLOAT, -1);
        return g.build(metadata);
    }

    /** z* -> z = f^-1(z*). */
    public static ModelProto sample(CouplingFlow f, Map<String, String> metadata) {
        int d = f.dim();
        GraphBuilder g = new GraphBuilder("prior_sample");
        String x = g.input(NOISE, DType.FLOAT, -1, d);
        for (int k = f.steps() - 1; k >= 0; k--) {
            String[] st = scaleShift(f, k, x, g);
            String inv = g.op("Exp").in(g.op("Neg").in(st[0]).out("prior.neg_s" + k)).out("prior.inv_scale" + k);
            x = g.op("Mul").in(g.op("Sub").in(x, st[1]).out("prior.unshift" + k), inv).out("prior.x" + k);
        }
        g.output(Z, x, DType.FLOAT, -1, d);
        return g.build(metadata);
    }

    /** Layer k's [s, t] at x: zero on the kept dimensions, s = tanh(S(h)) bounded. */
    private static String[] scaleShift(CouplingFlow f, int k, String x, GraphBuilder g) {
        float[] keep = f.mask(k);
        float[] move = new float[keep.length];
        for (int i = 0; i < keep.length; i++) {
            move[i] = 1f - keep[i];
        }
        String kept = g.op("Mul").in(x, g.initializer("prior.keep" + k, keep, keep.length)).out("prior.kept" + k);
        String moveMask = g.initializer("prior.move" + k, move, move.length);
        String h = BlockTranslator.translate(f.body(k), kept, g, "prior/body" + k);
        String sRaw = BlockTranslator.translate(f.scale(k), h, g, "prior/scale" + k);
        String s = g.op("Mul").in(g.op("Tanh").in(sRaw).out("prior.tanh" + k), moveMask).out("prior.s" + k);
        String t = g.op("Mul").in(BlockTranslator.translate(f.shift(k), h, g, "prior/shift" + k), moveMask)
                .out("prior.t" + k);
        return new String[] {s, t};
    }

    /**
     * Translates both graphs and measures their parity: the density on z ~ N(0, 2^2 I) (wider than the
     * posteriors' spread), the sampler on z* ~ N(0, I), from the context's random source.
     */
    public static void add(CouplingFlow f, ExportContext ctx, Map<GraphRole, GraphSet.Graph> into) {
        int d = f.dim();
        byte[] lp = logProb(f, ctx.metadata(GraphRole.PRIOR_LOG_PROB)).toByteArray();
        byte[] sm = sample(f, ctx.metadata(GraphRole.PRIOR_SAMPLE)).toByteArray();
        Random rnd = ctx.random();
        int b = ctx.parityBatch();
        ParityCheck.Result lpParity = ParityCheck.compare(f, lp,
                List.of(new ParityCheck.Feed(Z, ParityInputs.normal(rnd, b * d, 2f), new long[] {b, d})),
                "random z ~ N(0, 4 I)", l -> Map.of(LOG_PROB, logProb(l.get(0), l.get(1))));
        ParityCheck.Result smParity = ParityCheck.compare(f.inverse(), sm,
                List.of(new ParityCheck.Feed(NOISE, ParityInputs.normal(rnd, b * d), new long[] {b, d})),
                "random z* ~ N(0, I)", ParityCheck.DjlOutputs.positional(Z));
        into.put(GraphRole.PRIOR_LOG_PROB, new GraphSet.Graph(lp, List.of(latent(d)),
                List.of(Tensors.float32(LOG_PROB, TensorRole.LOG_PROB, -1)), lpParity));
        into.put(GraphRole.PRIOR_SAMPLE, new GraphSet.Graph(sm, List.of(Tensors.float32(NOISE, TensorRole.NOISE, -1, d)),
                List.of(latent(d)), smParity));
    }

    private static TensorSpec latent(int d) {
        return Tensors.float32(Z, TensorRole.LATENT, -1, d);
    }

    /** DJL's log p(z) from the flow's [f(z), logdet]: sum_d -0.5 y_d^2 + logdet_d - (D/2) log 2 pi. */
    private static NDArray logProb(NDArray y, NDArray logdet) {
        long d = y.getShape().get(1);
        return Scalars.mul(y.square(), -0.5).add(logdet).sum(new int[] {1}).sub((float) (0.5 * d * Math.log(2 * Math.PI)));
    }
}
