package dev.vaeforge.exporter;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.nn.Block;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.BundleFormat;
import dev.vaeforge.runtime.bundle.BundleReader;
import dev.vaeforge.runtime.bundle.BundleWriter;
import dev.vaeforge.runtime.bundle.CodePrior;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.ModelFamily;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.session.BundleSessions;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.condition.ConditionKind;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.trainer.cvae.ConditionalVae;
import dev.vaeforge.trainer.cvae.CvaeConfig;
import dev.vaeforge.trainer.model.Likelihood;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.vae.VaeConfig;
import dev.vaeforge.trainer.vaegan.VaeGanConfig;
import dev.vaeforge.trainer.vqvae.VqVaeConfig;
import dev.vaeforge.trainer.nn.ConvEncoder;
import dev.vaeforge.trainer.vaegan.VaeGan;
import dev.vaeforge.trainer.vqvae.VqVae;
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
        return export(config, model, provenance, out, options, null);
    }

    /**
     * @param codeData vqvae: the training images the empirical code prior is fitted on (code_prior.json,
     *     prior "codes-empirical"); null gives a vqvae bundle with the uniform code prior only. Ignored for
     *     the other families
     */
    public static Result export(ModelConfig config, Block model, Manifest.Provenance provenance, Path out, Options options,
                                ImageDataset codeData) {
        checkFinite(model);
        String bundleId = UUID.randomUUID().toString();
        Map<String, String> metadata = new HashMap<>();
        metadata.put(BundleFormat.METADATA_FAMILY, config.family());
        metadata.put(BundleFormat.METADATA_BUNDLE_ID, bundleId);
        metadata.put(BundleFormat.METADATA_PROVENANCE, Json.writeLine(provenance));

        Random rnd = new Random(options.paritySeed());
        int b = options.parityBatch();
        GraphSet set = switch (ModelFamily.fromId(config.family())) {
            case VAE -> vae((VaeConfig) config, requireBlock(model, ConvVae.class, config), metadata, rnd, b);
            case BETA_VAE -> vae(new VaeConfig(config.architecture()), requireBlock(model, ConvVae.class, config),
                    metadata, rnd, b);
            case CAPACITY_VAE -> vae(new VaeConfig(config.architecture()),
                    requireBlock(model, ConvVae.class, config), metadata, rnd, b);
            case CVAE -> cvae((CvaeConfig) config, requireBlock(model, ConditionalVae.class, config), metadata, rnd, b);
            case VQVAE -> vqvae((VqVaeConfig) config, requireBlock(model, VqVae.class, config), metadata, rnd, b, codeData);
            case VAEGAN -> vaegan((VaeGanConfig) config, requireBlock(model, VaeGan.class, config), metadata, rnd, b);
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
                config.family(), new Manifest.Image(s.channels(), s.height(), s.width(), new double[] {0, 1}),
                set.likelihood(), set.latent(), set.conditioning(), set.prior(), GraphBuilder.OPSET,
                specs,
                new Manifest.Parity(options.tolerance(), b, options.paritySeed(), parity), provenance);
        Manifest written = BundleWriter.write(out, manifest, graphs, set.files(), options.overwrite());
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
                            Manifest.Latent latent, Manifest.Likelihood likelihood, Manifest.Conditioning conditioning,
                            Manifest.Prior prior, Map<String, byte[]> files) {
        GraphSet(Map<GraphRole, byte[]> graphs, Map<String, Manifest.Graph> specs, Map<String, Double> parity,
                 Manifest.Latent latent, Manifest.Likelihood likelihood, Manifest.Conditioning conditioning) {
            this(graphs, specs, parity, latent, likelihood, conditioning, new Manifest.Prior(Manifest.Prior.STANDARD_NORMAL),
                    Map.of());
        }
    }

    /**
     * The vqvae's three graphs ({@link VqGraphs}). Parity: encoder and decoder as max |ORT - DJL|; the
     * quantizer's indices must equal DJL's nearest codes exactly, else the export is refused, and its
     * recorded parity is the larger of the z_q and codebook differences.
     */
    private static GraphSet vqvae(VqVaeConfig c, VqVae vq, Map<String, String> metadata, Random rnd, int b,
                                  ImageDataset codeData) {
        ImageShape s = c.imageShape();
        int d = c.codeDim();
        int h = c.gridSize();
        var enc = VqGraphs.encoder(vq, metadata);
        var quant = VqGraphs.quantizer(vq, metadata);
        var dec = VqGraphs.decoder(vq, metadata);
        Map<GraphRole, byte[]> graphs = new EnumMap<>(GraphRole.class);
        graphs.put(GraphRole.ENCODER, enc.toByteArray());
        graphs.put(GraphRole.QUANTIZER, quant.toByteArray());
        graphs.put(GraphRole.DECODER, dec.toByteArray());
        long[] grid = {-1, d, h, h};
        Map<String, Manifest.Graph> specs = new LinkedHashMap<>();
        specs.put("encoder", new Manifest.Graph(null, null, VaeGraphs.encoderInputs(s),
                List.of(new TensorSpec("z_e", "float32", grid))));
        specs.put("quantizer", new Manifest.Graph(null, null, List.of(new TensorSpec("z_e", "float32", grid)),
                List.of(new TensorSpec("indices", "int64", new long[] {-1, h, h}), new TensorSpec("z_q", "float32", grid),
                        new TensorSpec("codebook", "float32", new long[] {c.codebookSize(), d}))));
        specs.put("decoder", new Manifest.Graph(null, null, List.of(new TensorSpec("z_q", "float32", grid)),
                VaeGraphs.decoderOutputs(s)));
        long seed = rnd.nextLong();
        Map<String, Double> parity = new LinkedHashMap<>();
        parity.put("encoder", VqGraphs.encoderParity(vq, enc, b, seed));
        VqGraphs.QuantizerParity q = VqGraphs.quantizerParity(vq, quant, b, seed + 1);
        if (q.indexMismatches() != 0) {
            throw new VaeforgeException(VaeforgeException.Code.PARITY, "export refused: the quantizer graph picked another"
                    + " code than DJL at " + q.indexMismatches() + " of " + q.positions() + " positions (random z_e,"
                    + " seed " + (seed + 1) + "); nothing was written");
        }
        parity.put("quantizer", Math.max(q.zqMaxAbs(), q.codebookMaxAbs()));
        parity.put("decoder", VqGraphs.decoderParity(vq, dec, b, seed + 2));
        Manifest.Latent latent = new Manifest.Latent(Manifest.Latent.GRID, d, h, h, c.codebookSize());
        Manifest.Likelihood lik = new Manifest.Likelihood(c.likelihood().id(),
                c.likelihood() == Likelihood.GAUSSIAN ? c.gaussianSigma() : null);
        if (codeData == null) {
            return new GraphSet(graphs, specs, parity, latent, lik, null, new Manifest.Prior(Manifest.Prior.CODES_UNIFORM),
                    Map.of());
        }
        byte[] prior = Json.write(fitCodePrior(vq, codeData)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new GraphSet(graphs, specs, parity, latent, lik, null, new Manifest.Prior(Manifest.Prior.CODES_EMPIRICAL,
                CodePrior.FILE, Hashing.sha256(prior)), Map.of(CodePrior.FILE, prior));
    }

    /** Counts each grid position's code over {@code data} with the DJL model in inference mode. */
    static CodePrior fitCodePrior(VqVae vq, ImageDataset data) {
        VqVaeConfig c = vq.config();
        ImageShape s = c.imageShape();
        if (!s.equals(data.shape())) {
            throw new IllegalArgumentException("the code prior data has shape " + data.shape() + ", the model " + s);
        }
        int n = data.size();
        int positions = c.gridSize() * c.gridSize();
        long[] indices = new long[n * positions];
        int batch = 64;
        try (NDManager m = NDManager.newBaseManager()) {
            for (int from = 0; from < n; from += batch) {
                int cnt = Math.min(batch, n - from);
                float[] px = new float[cnt * s.size()];
                for (int i = 0; i < cnt; i++) {
                    data.read(from + i, px, i * s.size());
                }
                try (NDManager sm = m.newSubManager()) {
                    NDList out = vq.forward(new ParameterStore(sm, false),
                            new NDList(sm.create(px, new ai.djl.ndarray.types.Shape(s.batchShape(cnt)))), false);
                    System.arraycopy(out.get(3).toLongArray(), 0, indices, from * positions, cnt * positions);
                }
            }
        }
        return CodePrior.fit(indices, n, c.codebookSize(), c.gridSize(), c.gridSize());
    }

    private static GraphSet vae(VaeConfig v, ConvVae vae, Map<String, String> metadata, Random rnd, int b) {
        Map<GraphRole, byte[]> graphs = new EnumMap<>(GraphRole.class);
        Map<String, Manifest.Graph> specs = new LinkedHashMap<>();
        Map<String, Double> parity = new LinkedHashMap<>();
        addEncoderDecoder(vae.encoder(), vae.decoder(), v, metadata, rnd, b, graphs, specs, parity);
        return new GraphSet(graphs, specs, parity, new Manifest.Latent("vector", v.latentDim()), likelihood(v), null);
    }

    /**
     * The Gaussian VAE's encoder x -> mu, logvar and decoder z -> x_hat graphs of the given blocks, their
     * manifest entries and their parity (encoder on uniform random images, decoder on N(0, I) draws,
     * in that order from {@code rnd}), added to the maps; shared by the vae and the vaegan.
     */
    private static void addEncoderDecoder(ConvEncoder encoder, Block decoder, VaeConfig v, Map<String, String> metadata,
            Random rnd, int b, Map<GraphRole, byte[]> graphs, Map<String, Manifest.Graph> specs, Map<String, Double> parity) {
        ImageShape s = v.imageShape();
        byte[] enc = VaeGraphs.encoder(encoder, s, v.latentDim(), metadata).toByteArray();
        byte[] dec = VaeGraphs.decoder(decoder, s, v.latentDim(), metadata).toByteArray();
        graphs.put(GraphRole.ENCODER, enc);
        graphs.put(GraphRole.DECODER, dec);
        specs.put("encoder", new Manifest.Graph(null, null, VaeGraphs.encoderInputs(s), VaeGraphs.encoderOutputs(v.latentDim())));
        specs.put("decoder", new Manifest.Graph(null, null, VaeGraphs.decoderInputs(v.latentDim()), VaeGraphs.decoderOutputs(s)));
        parity.put("encoder", ParityCheck.maxAbsDifference(encoder, enc,
                List.of(new ParityCheck.Feed("x", uniform(rnd, b * s.size()), s.batchShape(b))),
                List.of("mu", "logvar"), l -> l));
        parity.put("decoder", ParityCheck.maxAbsDifference(decoder, dec,
                List.of(new ParityCheck.Feed("z", normal(rnd, b * v.latentDim()), new long[] {b, v.latentDim()})),
                List.of("x_hat"), l -> new NDList(l.singletonOrThrow().getNDArrayInternal().sigmoid())));
    }

    /**
     * The vaegan's graphs: the VAE's encoder and decoder, and the discriminator x -> logit, features
     * ({@link VaeGanGraphs}), parity-checked on uniform random images like the encoder.
     */
    private static GraphSet vaegan(VaeGanConfig c, VaeGan gan, Map<String, String> metadata, Random rnd, int b) {
        VaeConfig v = new VaeConfig(c.architecture());
        ImageShape s = v.imageShape();
        Map<GraphRole, byte[]> graphs = new EnumMap<>(GraphRole.class);
        Map<String, Manifest.Graph> specs = new LinkedHashMap<>();
        Map<String, Double> parity = new LinkedHashMap<>();
        addEncoderDecoder(gan.encoder(), gan.decoder(), v, metadata, rnd, b, graphs, specs, parity);
        byte[] disc = VaeGanGraphs.discriminator(gan.discriminator(), c, metadata).toByteArray();
        graphs.put(GraphRole.DISCRIMINATOR, disc);
        specs.put("discriminator", new Manifest.Graph(null, null, VaeGraphs.encoderInputs(s),
                VaeGanGraphs.discriminatorOutputs(c)));
        parity.put("discriminator", ParityCheck.maxAbsDifference(gan.discriminator(), disc,
                List.of(new ParityCheck.Feed("x", uniform(rnd, b * s.size()), s.batchShape(b))),
                List.of("logit", "features"), l -> l));
        return new GraphSet(graphs, specs, parity, new Manifest.Latent("vector", v.latentDim()), likelihood(v), null);
    }

    /** The cvae's graphs: the VAE's with a y[N,A] input on both (decision 0009). */
    private static GraphSet cvae(CvaeConfig c, ConditionalVae cvae, Map<String, String> metadata, Random rnd, int b) {
        VaeConfig v = new VaeConfig(c.architecture());
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
