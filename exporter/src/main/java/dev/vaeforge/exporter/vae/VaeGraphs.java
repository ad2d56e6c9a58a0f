package dev.vaeforge.exporter.vae;

import ai.djl.nn.Block;
import dev.vaeforge.exporter.BlockTranslator;
import dev.vaeforge.exporter.ExportContext;
import dev.vaeforge.exporter.GraphSet;
import dev.vaeforge.exporter.ParityCheck;
import dev.vaeforge.exporter.ParityInputs;
import dev.vaeforge.exporter.Tensors;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.trainer.nn.ConvEncoder;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The Gaussian convolutional VAE's graphs: {@code encoder} x[N,C,H,W] -> mu[N,D], logvar[N,D] and
 * {@code decoder} z[N,D] -> x_hat[N,C,H,W] = sigmoid(decoder logits), pixel values in [0,1]. Shared by
 * every model built on {@link ConvEncoder} and {@code ConvDecoder} (the vae export and the vaegan's).
 */
public final class VaeGraphs {
    private VaeGraphs() {
    }

    public static List<TensorSpec> encoderOutputs(int d) {
        return List.of(Tensors.float32("mu", TensorRole.LATENT_MEAN, -1, d),
                Tensors.float32("logvar", TensorRole.LATENT_LOGVAR, -1, d));
    }

    public static List<TensorSpec> decoderInputs(int d) {
        return List.of(Tensors.float32("z", TensorRole.LATENT, -1, d));
    }

    /** x[N,C,H,W] -> mu, logvar. */
    public static ModelProto encoder(ConvEncoder enc, ImageShape s, int d, Map<String, String> metadata) {
        GraphBuilder g = new GraphBuilder("encoder");
        String x = g.input(Tensors.IMAGE, DType.FLOAT, -1, s.channels(), s.height(), s.width());
        String h = BlockTranslator.translate(enc.body(), x, g, "encoder/body");
        String mu = BlockTranslator.translate(enc.muHead(), h, g, "encoder/mu");
        String logvar = BlockTranslator.translate(enc.logvarHead(), h, g, "encoder/logvar");
        g.output("mu", mu, DType.FLOAT, -1, d);
        g.output("logvar", logvar, DType.FLOAT, -1, d);
        return g.build(metadata);
    }

    /** z[N,D] -> x_hat = sigmoid(logits). */
    public static ModelProto decoder(Block decoder, ImageShape s, int d, Map<String, String> metadata) {
        GraphBuilder g = new GraphBuilder("decoder");
        String z = g.input("z", DType.FLOAT, -1, d);
        String logits = BlockTranslator.translate(decoder, z, g, "decoder");
        String xHat = g.op("Sigmoid").in(logits).out("decoder.sigmoid");
        g.output(Tensors.RECONSTRUCTION, xHat, DType.FLOAT, -1, s.channels(), s.height(), s.width());
        return g.build(metadata);
    }

    /**
     * Translates {@code encoder} and {@code decoder} and measures their parity: the encoder on uniform
     * random images, then the decoder on N(0, I) latents, in that order from the context's random source.
     */
    public static void addEncoderDecoder(ConvEncoder encoder, Block decoder, ImageShape s, int d, ExportContext ctx,
                                         Map<GraphRole, GraphSet.Graph> into) {
        byte[] enc = encoder(encoder, s, d, ctx.metadata(GraphRole.ENCODER)).toByteArray();
        byte[] dec = decoder(decoder, s, d, ctx.metadata(GraphRole.DECODER)).toByteArray();
        Random rnd = ctx.random();
        int b = ctx.parityBatch();
        ParityCheck.Result encParity = ParityCheck.compare(encoder, enc,
                List.of(new ParityCheck.Feed(Tensors.IMAGE, ParityInputs.uniform(rnd, b * s.size()), s.batchShape(b))),
                "random x", ParityCheck.DjlOutputs.positional("mu", "logvar"));
        ParityCheck.Result decParity = ParityCheck.compare(decoder, dec,
                List.of(new ParityCheck.Feed("z", ParityInputs.normal(rnd, b * d), new long[] {b, d})),
                "random z", ParityCheck.DjlOutputs.single(Tensors.RECONSTRUCTION, a -> a.getNDArrayInternal().sigmoid()));
        into.put(GraphRole.ENCODER, new GraphSet.Graph(enc, List.of(Tensors.image(s)), encoderOutputs(d), encParity));
        into.put(GraphRole.DECODER, new GraphSet.Graph(dec, decoderInputs(d), List.of(Tensors.reconstruction(s)),
                decParity));
    }
}
