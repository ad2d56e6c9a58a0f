package dev.vaeforge.exporter;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.BundleFormat;
import dev.vaeforge.runtime.bundle.BundleReader;
import dev.vaeforge.runtime.bundle.BundleWriter;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.session.BundleSessions;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.trainer.cvae.ConditionalVae;
import dev.vaeforge.trainer.model.BetaVaeConfig;
import dev.vaeforge.trainer.model.CapacityVaeConfig;
import dev.vaeforge.trainer.model.CvaeConfig;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.model.ModelConfig;
import dev.vaeforge.trainer.model.VaeConfig;
import dev.vaeforge.trainer.vae.ConvVae;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Turns a trained model into a bundle: translates each graph of the model's family, proves that
 * every graph reproduces the DJL forward pass on random inputs (max |diff| <= tolerance, else
 * nothing is written), writes the bundle atomically and re-opens it as the runtime would.
 */
public final class Exporter {
    private Exporter() {
    }

    /** Export settings; {@link #defaults()} are what the CLI uses. */
    public record Options(boolean overwrite, int parityBatch, long paritySeed, double tolerance) {
        public Options {
            if (parityBatch < 1) {
                throw new IllegalArgumentException("parity batch must be >= 1, got " + parityBatch);
            }
            if (!(tolerance > 0)) {
                throw new IllegalArgumentException("parity tolerance must be > 0, got " + tolerance);
            }
        }

        public static Options defaults() {
            return new Options(false, 8, 20240917L, 1e-4);
        }

        public Options withOverwrite(boolean o) {
            return new Options(o, parityBatch, paritySeed, tolerance);
        }
    }

    public record Result(Path bundle, Manifest manifest) {
    }

    /**
     * @param model the trained block of {@code config}'s family, with parameters loaded
     */
    public static Result export(ModelConfig config, Block model, Manifest.Provenance provenance, Path out, Options options) {
        checkFinite(model);
        String bundleId = UUID.randomUUID().toString();
        Map<String, String> metadata = new HashMap<>();
        metadata.put(BundleFormat.METADATA_FAMILY, config.family().id());
        metadata.put(BundleFormat.METADATA_BUNDLE_ID, bundleId);
        metadata.put(BundleFormat.METADATA_PROVENANCE, Json.writeLine(provenance));

        Random rnd = new Random(options.paritySeed());
        int b = options.parityBatch();
        GraphSet set = switch (config.family()) {
            case VAE -> vae((VaeConfig) config, requireBlock(model, ConvVae.class, config), metadata, rnd, b);
            case BETA_VAE -> vae(((BetaVaeConfig) config).architecture(), requireBlock(model, ConvVae.class, config),
                    metadata, rnd, b);
            case CAPACITY_VAE -> vae(((CapacityVaeConfig) config).architecture(),
                    requireBlock(model, ConvVae.class, config), metadata, rnd, b);
            case CVAE -> cvae((CvaeConfig) config, requireBlock(model, ConditionalVae.class, config), metadata, rnd, b);
        };
        Map<GraphRole, byte[]> graphs = set.graphs();
        Map<String, Manifest.Graph> specs = set.specs();
        Map<String, Double> parity = set.parity();
        for (Map.Entry<String, Double> e : parity.entrySet()) {
            if (!(e.getValue() <= options.tolerance())) {
                throw new VaeforgeException(VaeforgeException.Code.PARITY, "export refused: the " + e.getKey()
                        + " graph differs from the DJL forward pass by " + e.getValue() + " (max |diff| on " + b
                        + " random inputs; tolerance " + options.tolerance() + "); nothing was written");
            }
        }
        ImageShape s = config.imageShape();
        Manifest manifest = new Manifest(BundleFormat.FORMAT, BundleFormat.VERSION, bundleId, Instant.now().toString(),
                config.family().id(), new Manifest.Image(s.channels(), s.height(), s.width(), new double[] {0, 1}),
                set.likelihood(), set.latent(), set.conditioning(), new Manifest.Prior("standard-normal"), GraphBuilder.OPSET,
                specs,
                new Manifest.Parity(options.tolerance(), b, options.paritySeed(), parity), provenance);
        Manifest written = BundleWriter.write(out, manifest, graphs, options.overwrite());
        // Prove the bundle opens the way a runtime elsewhere will open it: hashes and signatures.
        try (BundleSessions ignored = new BundleSessions(BundleReader.open(out), Device.CPU)) {
            return new Result(out, written);
        }
    }

    /**
     * What a family's translation produces: graph bytes, manifest entries and measured parity, and the
     * conditioning of a conditional family (null for the others).
     */
    private record GraphSet(Map<GraphRole, byte[]> graphs, Map<String, Manifest.Graph> specs, Map<String, Double> parity,
                            Manifest.Latent latent, Manifest.Likelihood likelihood, Manifest.Conditioning conditioning) {
    }

    private static GraphSet vae(VaeConfig v, ConvVae vae, Map<String, String> metadata, Random rnd, int b) {
        ImageShape s = v.imageShape();
        byte[] enc = VaeGraphs.encoder(vae, metadata).toByteArray();
        byte[] dec = VaeGraphs.decoder(vae, metadata).toByteArray();
        Map<GraphRole, byte[]> graphs = new EnumMap<>(GraphRole.class);
        graphs.put(GraphRole.ENCODER, enc);
        graphs.put(GraphRole.DECODER, dec);
        Map<String, Manifest.Graph> specs = new LinkedHashMap<>();
        specs.put("encoder", new Manifest.Graph(null, null, VaeGraphs.encoderInputs(s), VaeGraphs.encoderOutputs(v.latentDim())));
        specs.put("decoder", new Manifest.Graph(null, null, VaeGraphs.decoderInputs(v.latentDim()), VaeGraphs.decoderOutputs(s)));
        Map<String, Double> parity = new LinkedHashMap<>();
        parity.put("encoder", ParityCheck.maxAbsDifference(vae.encoder(), enc,
                List.of(new ParityCheck.Feed("x", uniform(rnd, b * s.size()), s.batchShape(b))),
                List.of("mu", "logvar"), l -> l));
        parity.put("decoder", ParityCheck.maxAbsDifference(vae.decoder(), dec,
                List.of(new ParityCheck.Feed("z", normal(rnd, b * v.latentDim()), new long[] {b, v.latentDim()})),
                List.of("x_hat"), l -> new NDList(l.singletonOrThrow().getNDArrayInternal().sigmoid())));
        return new GraphSet(graphs, specs, parity, new Manifest.Latent("vector", v.latentDim()), likelihood(v), null);
    }

    /** The cvae's graphs: the VAE's with a y[N,A] input on both (decision 0009). */
    private static GraphSet cvae(CvaeConfig c, ConditionalVae cvae, Map<String, String> metadata, Random rnd, int b) {
        VaeConfig v = c.architecture();
        ImageShape s = v.imageShape();
        int a = c.condition().dim();
        byte[] enc = CvaeGraphs.encoder(cvae, metadata).toByteArray();
        byte[] dec = CvaeGraphs.decoder(cvae, metadata).toByteArray();
        Map<GraphRole, byte[]> graphs = new EnumMap<>(GraphRole.class);
        graphs.put(GraphRole.ENCODER, enc);
        graphs.put(GraphRole.DECODER, dec);
        Map<String, Manifest.Graph> specs = new LinkedHashMap<>();
        specs.put("encoder", new Manifest.Graph(null, null, CvaeGraphs.encoderInputs(s, a),
                VaeGraphs.encoderOutputs(v.latentDim())));
        specs.put("decoder", new Manifest.Graph(null, null, CvaeGraphs.decoderInputs(v.latentDim(), a),
                VaeGraphs.decoderOutputs(s)));
        // random conditions of the kind the model takes: one-hot rows for labels, 0/1 entries for attributes
        float[] y = conditions(rnd, b, c.condition());
        Map<String, Double> parity = new LinkedHashMap<>();
        parity.put("encoder", ParityCheck.maxAbsDifference(cvae.encoder(), enc,
                List.of(new ParityCheck.Feed("x", uniform(rnd, b * s.size()), s.batchShape(b)),
                        new ParityCheck.Feed("y", y, new long[] {b, a})),
                List.of("mu", "logvar"), l -> l));
        parity.put("decoder", ParityCheck.maxAbsDifference(cvae.decoder(), dec,
                List.of(new ParityCheck.Feed("z", normal(rnd, b * v.latentDim()), new long[] {b, v.latentDim()}),
                        new ParityCheck.Feed("y", y, new long[] {b, a})),
                List.of("x_hat"), l -> new NDList(l.singletonOrThrow().getNDArrayInternal().sigmoid())));
        return new GraphSet(graphs, specs, parity, new Manifest.Latent("vector", v.latentDim()), likelihood(v),
                c.condition().toManifest());
    }

    private static Manifest.Likelihood likelihood(VaeConfig v) {
        return new Manifest.Likelihood(v.likelihood().id(),
                v.likelihood() == Likelihood.GAUSSIAN ? v.gaussianSigma() : null);
    }

    private static float[] conditions(Random r, int n, ConditionSpec spec) {
        int a = spec.dim();
        float[] y = new float[n * a];
        for (int i = 0; i < n; i++) {
            if (spec.kind() == ConditionKind.LABELS) {
                y[i * a + r.nextInt(a)] = 1f;
            } else {
                for (int j = 0; j < a; j++) {
                    y[i * a + j] = r.nextBoolean() ? 1f : 0f;
                }
            }
        }
        return y;
    }

    /** NaN or infinite weights never reach a bundle (checked before anything is translated or written). */
    static void checkFinite(Block model) {
        for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : model.getParameters()) {
            float[] v = p.getValue().getArray().toFloatArray();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new VaeforgeException(VaeforgeException.Code.BAD_RUN, "export refused: parameter '" + p.getKey()
                            + "' holds " + v[i] + " at index " + i + "; NaN or infinite weights never reach a bundle;"
                            + " nothing was written");
                }
            }
        }
    }

    private static <T extends Block> T requireBlock(Block model, Class<T> type, ModelConfig config) {
        if (!type.isInstance(model)) {
            throw new IllegalArgumentException("family '" + config.family() + "' needs a " + type.getSimpleName()
                    + ", got " + model.getClass().getName());
        }
        return type.cast(model);
    }

    private static float[] uniform(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat();
        }
        return a;
    }

    private static float[] normal(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }
}
