package dev.vaeforge.exporter;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.BundleFormat;
import dev.vaeforge.runtime.bundle.BundleReader;
import dev.vaeforge.runtime.bundle.BundleWriter;
import dev.vaeforge.runtime.bundle.GoldenRecorder;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import dev.vaeforge.runtime.session.BundleSessions;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.trainer.family.ModelConfig;
import dev.vaeforge.trainer.family.FamilyRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Turns a trained model into a bundle: refuses non-finite weights, lets the model's
 * {@link GraphSetExport} (picked by {@link FamilyExports} from the block's class) translate its graphs
 * and measure their parity, refuses unless every graph reproduces the DJL forward pass on random
 * inputs (integer outputs exactly, float outputs within the tolerance; else nothing is written), writes
 * the bundle atomically and re-opens it as the runtime would.
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

    /** A bundle ready to be written: its manifest (graph files and hashes not yet filled in) and contents. */
    public record Prepared(Manifest manifest, Map<GraphRole, byte[]> graphs, Map<String, byte[]> files) {
    }

    /**
     * @param model the trained block of {@code config}'s family, with parameters loaded
     */
    public static Result export(ModelConfig config, Block model, Manifest.Provenance provenance, Path out, Options options) {
        return export(config, model, provenance, out, options, null);
    }

    /**
     * @param trainingImages opens the training images a fitted prior is computed from, when the model's
     *     export has one (vqvae: the empirical code prior, code_prior.json, prior "codes-empirical"; it is
     *     opened only then, after parity passed); null gives such a model its data-free prior (vqvae:
     *     codes-uniform)
     */
    public static Result export(ModelConfig config, Block model, Manifest.Provenance provenance, Path out, Options options,
                                Supplier<? extends ImageDataset> trainingImages) {
        return write(prepare(config, model, provenance, options, trainingImages), out, options.overwrite());
    }

    /** Everything {@link #export} does before writing: the checks, the graphs, parity, the prior and the manifest. */
    public static Prepared prepare(ModelConfig config, Block model, Manifest.Provenance provenance, Options options,
                                   Supplier<? extends ImageDataset> trainingImages) {
        checkFinite(model);
        requireBlockOf(config, model);
        String bundleId = UUID.randomUUID().toString();
        Map<String, String> metadata = new HashMap<>();
        metadata.put(BundleFormat.METADATA_FAMILY, familyLabel(config));
        metadata.put(BundleFormat.METADATA_BUNDLE_ID, bundleId);
        metadata.put(BundleFormat.METADATA_PROVENANCE, Json.writeLine(provenance));
        GraphSet set = FamilyExports.export(model,
                new ExportContext(metadata, options.parityBatch(), options.paritySeed(), trainingImages));
        refuseOnParity(set, options);
        GraphSet.BundlePrior prior = set.prior().get();
        ImageShape s = config.imageShape();
        Manifest manifest = new Manifest(BundleFormat.FORMAT, BundleFormat.VERSION, bundleId, Instant.now().toString(),
                familyLabel(config), new Manifest.Image(s.channels(), s.height(), s.width(), new double[] {0, 1}),
                set.likelihood(), set.latent(), set.conditioning(), prior.prior(), GraphBuilder.OPSET, set.entries(),
                new Manifest.Parity(options.tolerance(), options.parityBatch(), options.paritySeed(), set.parity()),
                provenance);
        return new Prepared(manifest, set.bytes(), prior.files());
    }

    /**
     * Writes {@code bundle} atomically to {@code out}, with golden tensors computed here for {@code vaeforge verify}
     * ({@link GoldenRecorder}), and proves it opens the way a runtime elsewhere will open it.
     */
    public static Result write(Prepared bundle, Path out, boolean overwrite) {
        GoldenRecorder.Recorded golden = GoldenRecorder.record(bundle.manifest(), bundle.graphs(), GoldenRecorder.DEFAULT_SEED);
        Map<String, byte[]> files = new java.util.LinkedHashMap<>(bundle.files());
        files.putAll(golden.files());
        Manifest written = BundleWriter.write(out, bundle.manifest().withGolden(golden.golden()), bundle.graphs(), files,
                overwrite);
        // hashes and signatures, checked by the runtime's own reader and ONNX Runtime
        try (BundleSessions ignored = new BundleSessions(BundleReader.open(out), Device.CPU)) {
            return new Result(out, written);
        }
    }

    /**
     * An integer output (code indices) that differs anywhere refuses the export, checked on every graph
     * first; then every graph's largest float difference must be within the tolerance.
     */
    static void refuseOnParity(GraphSet set, Options options) {
        for (Map.Entry<GraphRole, GraphSet.Graph> e : set.graphs().entrySet()) {
            ParityCheck.Result r = e.getValue().parity();
            Optional<ParityCheck.OutputDifference> d = r.firstMismatch();
            if (d.isPresent()) {
                throw new VaeforgeException(VaeforgeException.Code.PARITY, "export refused: the " + e.getKey().key()
                        + " graph picked another code than DJL at " + d.get().mismatches() + " of " + d.get().values()
                        + " positions (" + r.inputs() + "); nothing was written");
            }
        }
        for (Map.Entry<String, Double> e : set.parity().entrySet()) {
            if (!(e.getValue() <= options.tolerance())) {
                throw new VaeforgeException(VaeforgeException.Code.PARITY, "export refused: the " + e.getKey()
                        + " graph differs from the DJL forward pass by " + e.getValue() + " (max |diff| on "
                        + options.parityBatch() + " random inputs; tolerance " + options.tolerance()
                        + "); nothing was written");
            }
        }
    }

    /** NaN or infinite weights never reach a bundle (checked before anything is translated or written). */
    static void checkFinite(Block model) {
        for (Pair<String, Parameter> p : model.getParameters()) {
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

    /** A block of another family than {@code config}'s (a programming error) is refused before anything is translated. */
    private static void requireBlockOf(ModelConfig config, Block model) {
        Class<? extends Block> expected = trainedBlockType(config);
        if (expected != model.getClass()) {
            throw new IllegalArgumentException("family '" + familyLabel(config) + "' needs a " + expected.getSimpleName()
                    + ", got " + model.getClass().getName());
        }
    }

    // ---- the exporter's only two questions to the trainer about a config's family ----

    /** The manifest's informational {@code family} label and the graphs' vaeforge.family metadata. */
    private static String familyLabel(ModelConfig config) {
        return config.family();
    }

    /** The class of the block the trainer builds for {@code config} (no parameters are allocated). */
    private static Class<? extends Block> trainedBlockType(ModelConfig config) {
        return FamilyRegistry.of(config).newBlock(config).getClass();
    }
}
