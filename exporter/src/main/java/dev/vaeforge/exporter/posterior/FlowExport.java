package dev.vaeforge.exporter.posterior;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.vaeforge.exporter.BlockTranslator;
import dev.vaeforge.exporter.ExportContext;
import dev.vaeforge.exporter.GraphSet;
import dev.vaeforge.exporter.ParityCheck;
import dev.vaeforge.exporter.ParityInputs;
import dev.vaeforge.exporter.Tensors;
import dev.vaeforge.exporter.vae.VaeGraphs;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.trainer.nn.ConvEncoder;
import dev.vaeforge.trainer.posterior.InverseAutoregressiveFlow;
import dev.vaeforge.trainer.posterior.PlanarFlow;
import dev.vaeforge.trainer.posterior.PosteriorFlow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ai.djl.nn.core.Linear;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;

/**
 * A flow posterior's graphs: the {@code encoder} x -> mu, logvar, context (the base Gaussian's parameters
 * and the flow's context, tensor role {@value TensorRole#POSTERIOR_CONTEXT}) and {@code posterior_flow}
 * (z_0, context) -> (z_K, log det), each parity-checked against the DJL blocks: the encoder on uniform
 * random images, the flow on N(0, I) draws z_0 with the encoder's own contexts of random images.
 */
public final class FlowExport {
    public static final String CONTEXT = "context";
    public static final String BASE = "z0";
    public static final String LATENT = "z";
    public static final String LOG_DET = "log_det";

    private FlowExport() {
    }

    /**
     * Replaces the encoder graph of {@code into} by one that also emits the context and adds the flow
     * graph, both with their parity (random images and draws from {@code ctx}'s random source).
     */
    public static void add(ConvEncoder encoder, Linear contextHead, PosteriorFlow flow, ImageShape s, ExportContext ctx,
                           Map<GraphRole, GraphSet.Graph> into) {
        int d = flow.latentDim();
        int c = flow.contextDim();
        byte[] enc = encoder(encoder, contextHead, s, d, c, ctx.metadata(GraphRole.ENCODER)).toByteArray();
        byte[] fl = flowGraph(flow, ctx.metadata(GraphRole.POSTERIOR_FLOW)).toByteArray();
        Random rnd = ctx.random();
        int b = ctx.parityBatch();
        Block encBlock = new LambdaBlock(x -> {
            ParameterStore ps = new ParameterStore(x.head().getManager(), false);
            NDList h = encoder.body().forward(ps, x, false);
            return new NDList(encoder.muHead().forward(ps, h, false).singletonOrThrow(),
                    encoder.logvarHead().forward(ps, h, false).singletonOrThrow(),
                    contextHead.forward(ps, h, false).singletonOrThrow());
        });
        float[] images = ParityInputs.uniform(rnd, b * s.size());
        ParityCheck.Result encParity = ParityCheck.compare(encBlock, enc,
                List.of(new ParityCheck.Feed(Tensors.IMAGE, images, s.batchShape(b))), "random x",
                ParityCheck.DjlOutputs.positional("mu", "logvar", CONTEXT));
        float[] contexts = contexts(encBlock, images, s.batchShape(b));
        ParityCheck.Result flowParity = ParityCheck.compare(flow, fl,
                List.of(new ParityCheck.Feed(BASE, ParityInputs.normal(rnd, b * d), new long[] {b, d}),
                        new ParityCheck.Feed(CONTEXT, contexts, new long[] {b, c})),
                "random z_0 with the encoder's contexts of random x", ParityCheck.DjlOutputs.positional(LATENT, LOG_DET));
        List<TensorSpec> encOut = new ArrayList<>(VaeGraphs.encoderOutputs(d));
        encOut.add(Tensors.float32(CONTEXT, TensorRole.POSTERIOR_CONTEXT, -1, c));
        into.put(GraphRole.ENCODER, new GraphSet.Graph(enc, List.of(Tensors.image(s)), encOut, encParity));
        into.put(GraphRole.POSTERIOR_FLOW, new GraphSet.Graph(fl,
                List.of(Tensors.float32(BASE, TensorRole.LATENT_BASE, -1, d),
                        Tensors.float32(CONTEXT, TensorRole.POSTERIOR_CONTEXT, -1, c)),
                List.of(Tensors.float32(LATENT, TensorRole.LATENT, -1, d),
                        Tensors.float32(LOG_DET, TensorRole.LOG_DET, -1)), flowParity));
    }

    private static float[] contexts(Block encBlock, float[] images, long[] shape) {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            NDList out = encBlock.forward(new ParameterStore(m, false),
                    new NDList(m.create(images, new ai.djl.ndarray.types.Shape(shape))), false);
            return out.get(2).toFloatArray();
        }
    }

    /** x[N,C,H,W] -> mu, logvar, context. */
    public static ModelProto encoder(ConvEncoder enc, Linear contextHead, ImageShape s, int d, int c,
                                     Map<String, String> metadata) {
        GraphBuilder g = new GraphBuilder("encoder");
        String x = g.input(Tensors.IMAGE, DType.FLOAT, -1, s.channels(), s.height(), s.width());
        String h = BlockTranslator.translate(enc.body(), x, g, "encoder/body");
        g.output("mu", BlockTranslator.translate(enc.muHead(), h, g, "encoder/mu"), DType.FLOAT, -1, d);
        g.output("logvar", BlockTranslator.translate(enc.logvarHead(), h, g, "encoder/logvar"), DType.FLOAT, -1, d);
        g.output(CONTEXT, BlockTranslator.translate(contextHead, h, g, "encoder/context"), DType.FLOAT, -1, c);
        return g.build(metadata);
    }

    /** (z0 [N, D], context [N, C]) -> (z [N, D], log_det [N]): the same steps as the DJL block, op for op. */
    public static ModelProto flowGraph(PosteriorFlow flow, Map<String, String> metadata) {
        int d = flow.latentDim();
        GraphBuilder g = new GraphBuilder("posterior_flow");
        String z = g.input(BASE, DType.FLOAT, -1, d);
        String context = g.input(CONTEXT, DType.FLOAT, -1, flow.contextDim());
        String one = g.scalar("one", 1f);
        String axis1 = g.ints("axis1", 1);
        String logDet = null;
        for (int k = 0; k < flow.steps(); k++) {
            String[] r = flow instanceof PlanarFlow
                    ? planarStep(g, k, d, z, context, one, axis1)
                    : iafStep(g, (InverseAutoregressiveFlow) flow, k, z, context, one, axis1);
            z = r[0];
            logDet = logDet == null ? r[1] : g.op("Add").in(logDet, r[1]).out("flow/log_det");
        }
        g.output(LATENT, z, DType.FLOAT, -1, d);
        g.output(LOG_DET, logDet, DType.FLOAT, -1);
        return g.build(metadata);
    }

    private static String sum1(GraphBuilder g, String x, String axis1, boolean keep, String hint) {
        return g.op("ReduceSum").in(x, axis1).attr("keepdims", keep ? 1L : 0L).out(hint);
    }

    private static String[] planarStep(GraphBuilder g, int k, int d, String z, String context, String one, String axis1) {
        String p = "flow/planar" + k + "/";
        int off = k * (2 * d + 1);
        String u = slice(g, context, off, off + d, axis1, p + "u");
        String w = slice(g, context, off + d, off + 2 * d, axis1, p + "w");
        String b = slice(g, context, off + 2 * d, off + 2 * d + 1, axis1, p + "b");
        String wu = sum1(g, g.op("Mul").in(w, u).out(p + "w_u"), axis1, true, p + "wu");
        String m = g.op("Sub").in(g.op("Softplus").in(wu).out(p + "softplus"), one).out(p + "m");
        String wsq = g.op("Add").in(sum1(g, g.op("Mul").in(w, w).out(p + "w_w"), axis1, true, p + "wsq0"),
                g.scalar(p + "eps", (float) PlanarFlow.W_EPS)).out(p + "wsq");
        String uHat = g.op("Add").in(u, g.op("Mul").in(g.op("Div").in(g.op("Sub").in(m, wu).out(p + "m_wu"), wsq)
                .out(p + "coef"), w).out(p + "shift")).out(p + "u_hat");
        String a = g.op("Add").in(sum1(g, g.op("Mul").in(w, z).out(p + "w_z"), axis1, true, p + "wz"), b).out(p + "a");
        String t = g.op("Tanh").in(a).out(p + "t");
        String out = g.op("Add").in(z, g.op("Mul").in(uHat, t).out(p + "u_t")).out(p + "z");
        String wuHat = sum1(g, g.op("Mul").in(w, uHat).out(p + "w_uhat"), axis1, true, p + "wuhat");
        String det = g.op("Add").in(one, g.op("Mul").in(g.op("Sub").in(one, g.op("Mul").in(t, t).out(p + "t2"))
                .out(p + "dtanh"), wuHat).out(p + "dw")).out(p + "det");
        String floor = g.scalar(p + "floor", (float) PlanarFlow.DET_FLOOR);
        String log = g.op("Log").in(g.op("Max").in(g.op("Abs").in(det).out(p + "abs"), floor).out(p + "floored"))
                .out(p + "log");
        return new String[] {out, g.op("Squeeze").in(log, axis1).out(p + "log_det")};
    }

    private static String slice(GraphBuilder g, String x, int from, int to, String axis1, String hint) {
        return g.op("Slice").in(x, g.ints(hint + "_from", from), g.ints(hint + "_to", to), axis1).out(hint);
    }

    private static String[] iafStep(GraphBuilder g, InverseAutoregressiveFlow f, int k, String z, String context,
                                    String one, String axis1) {
        String p = "flow/iaf" + k + "/";
        int d = f.latentDim();
        int h = f.hidden();
        Parameter[] ps = f.parameters(k);
        float[][] masks = f.masks(k);
        String w1 = g.initializer(p + "w1t", transposed(masked(ps[0], masks[0]), h, d), d, h);
        String wc = g.initializer(p + "wct", transposed(values(ps[2]), h, f.contextDim()), f.contextDim(), h);
        String wm = g.initializer(p + "wmt", transposed(masked(ps[3], masks[1]), d, h), h, d);
        String ws = g.initializer(p + "wst", transposed(masked(ps[5], masks[1]), d, h), h, d);
        String b1 = g.initializer(p + "b1", values(ps[1]), h);
        String bm = g.initializer(p + "bm", values(ps[4]), d);
        String bs = g.initializer(p + "bs", values(ps[6]), d);
        String pre = g.op("Add").in(g.op("Add").in(g.op("MatMul").in(z, w1).out(p + "zw"),
                g.op("MatMul").in(context, wc).out(p + "hw")).out(p + "pre0"), b1).out(p + "pre");
        String a = g.op("Relu").in(pre).out(p + "a");
        String m = g.op("Add").in(g.op("MatMul").in(a, wm).out(p + "am"), bm).out(p + "m");
        String s = g.op("Add").in(g.op("MatMul").in(a, ws).out(p + "as"), bs).out(p + "s");
        float c = (float) InverseAutoregressiveFlow.FORGET_BIAS;
        String gate = g.op("Neg").in(g.op("Add").in(s, g.scalar(p + "c", c)).out(p + "s_c")).out(p + "neg_s_c");
        String logSigma = g.op("Add").in(g.op("Neg").in(g.op("Softplus").in(gate).out(p + "sp")).out(p + "neg_sp"),
                g.op("Softplus").in(g.scalar(p + "neg_c", -c)).out(p + "sp_c")).out(p + "log_sigma");
        String sigma = g.op("Exp").in(logSigma).out(p + "sigma");
        String out = g.op("Add").in(g.op("Mul").in(sigma, z).out(p + "sz"),
                g.op("Mul").in(g.op("Sub").in(one, sigma).out(p + "one_minus"), m).out(p + "gm")).out(p + "z");
        return new String[] {out, sum1(g, logSigma, axis1, false, p + "log_det")};
    }

    private static float[] values(Parameter p) {
        NDArray a = p.getArray();
        return a.toFloatArray();
    }

    private static float[] masked(Parameter p, float[] mask) {
        float[] v = values(p);
        for (int i = 0; i < v.length; i++) {
            v[i] *= mask[i];
        }
        return v;
    }

    /** [rows, cols] row-major -> [cols, rows]. */
    private static float[] transposed(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }
}
