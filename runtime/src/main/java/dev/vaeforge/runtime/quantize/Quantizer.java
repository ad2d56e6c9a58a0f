package dev.vaeforge.runtime.quantize;

import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.Bundle;
import dev.vaeforge.runtime.bundle.BundleFormat;
import dev.vaeforge.runtime.bundle.BundleWriter;
import dev.vaeforge.runtime.bundle.GoldenRecorder;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.io.AtomicFiles;
import dev.vaeforge.runtime.model.PixelMapping;
import dev.vaeforge.runtime.model.Tensor;
import dev.vaeforge.runtime.onnx.OnnxModels;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.StringStringEntryProto;
import dev.vaeforge.runtime.ops.Posterior;
import dev.vaeforge.runtime.session.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Makes an int8 bundle from an fp32 one (decision 0018): BatchNormalization folded into its Conv,
 * activation ranges calibrated on the first images of a dataset, the encoder and decoder rewritten as
 * QDQ graphs ({@link QdqGraph}), then the quality gate on the next images against the fp32 bundle
 * ({@link QualityGate}). When the gate fails and the settings allow it, a sensitivity pass keeps the
 * layers that hurt most in fp32, one at a time, until it passes. The bundle is written all at once
 * (a temporary sibling renamed into place), and only when the gate passed or {@code force} was set.
 * Other graphs (a discriminator) are copied unchanged.
 */
public final class Quantizer {
    static final List<GraphRole> QUANTISED = List.of(GraphRole.ENCODER, GraphRole.DECODER);
    private static final int BATCH = 64;

    /** Progress of the long phases: {@code phase} with {@code done} of {@code total} steps. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (phase, done, total) -> { };

        void update(String phase, int done, int total);
    }

    /** What was written: the manifest (with its quantization record). */
    public record Result(Manifest manifest, Path bundle) {
        public Manifest.Quantization quantization() {
            return manifest.quantization();
        }
    }

    private final VaeRuntime fp32;
    private final Manifest source;
    private final ImageDataset data;
    private final String dataSpec;
    private final QuantizeSettings settings;
    private final Progress progress;
    private final Map<GraphRole, ModelProto> folded = new EnumMap<>(GraphRole.class);
    private final Map<GraphRole, byte[]> unchanged = new EnumMap<>(GraphRole.class);
    private final Map<String, byte[]> extraFiles = new LinkedHashMap<>();
    private final Map<GraphRole, List<Map<String, Tensor>>> feeds = new EnumMap<>(GraphRole.class);
    private final Map<GraphRole, Map<String, QuantParams>> params = new EnumMap<>(GraphRole.class);

    private Quantizer(VaeRuntime fp32, ImageDataset data, String dataSpec, QuantizeSettings settings, Progress progress) {
        this.fp32 = fp32;
        this.source = fp32.manifest();
        this.data = data;
        this.dataSpec = dataSpec;
        this.settings = settings;
        this.progress = progress;
    }

    /**
     * Quantises the bundle at {@code bundle} (a directory or .zip) into {@code out}.
     *
     * @param data     the calibration dataset (images [0, 1] of the bundle's shape); {@code dataSpec} names it
     * @param replace  replace an existing bundle at {@code out}
     * @throws VaeforgeException bad input (data of the wrong shape or too small, unknown --keep-fp32 layer),
     *                           bad bundle (already quantised), unsupported (codes, conditioning, an op that cannot
     *                           be quantised), parity (the gate failed without force)
     */
    public static Result quantize(Path bundle, ImageDataset data, String dataSpec, Path out, boolean replace,
                                  QuantizeSettings settings, Progress progress) {
        try (VaeRuntime rt = VaeRuntime.open(bundle, Device.CPU, BATCH)) {
            Quantizer q = new Quantizer(rt, data, dataSpec, settings, progress);
            q.check(bundle);
            return q.run(out, replace);
        } catch (IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.IO, "cannot quantise " + bundle + ": " + e.getMessage(), e);
        }
    }

    private void check(Path bundle) throws IOException {
        if (source.quantization() != null) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, bundle + " is already quantised (precision "
                    + source.precision() + "); quantise the fp32 bundle it was made from");
        }
        if (!source.latent().gaussian()) {
            throw new VaeforgeException(VaeforgeException.Code.UNSUPPORTED, bundle + ": latent kind '" + source.latent().kind()
                    + "'; quantize handles bundles with a Gaussian latent (encoder and decoder) only");
        }
        if (source.conditioning() != null) {
            throw new VaeforgeException(VaeforgeException.Code.UNSUPPORTED, bundle
                    + ": a conditioned bundle (conditioning '" + source.conditioning().type()
                    + "'); quantize does not calibrate conditions yet");
        }
        if (!data.shape().equals(fp32.imageShape())) {
            throw VaeforgeException.badParameter("calibration data " + dataSpec + " has images " + data.shape()
                    + ", but " + bundle + " takes " + fp32.imageShape(), "calibration");
        }
        int need = settings.calibrationImages() + settings.gateImages();
        if (data.size() < need) {
            throw VaeforgeException.badParameter("calibration data " + dataSpec + " has " + data.size() + " images; "
                    + "calibrationImages " + settings.calibrationImages() + " plus gateImages " + settings.gateImages()
                    + " need " + need, "calibration", "calibrationImages", "gateImages");
        }
        Bundle b = fp32.bundle();
        for (GraphRole role : b.roles()) {
            ModelProto m = OnnxModels.read(b.graphFile(role));
            String quantised = QdqGraph.quantisedNode(m);
            if (quantised != null) {
                throw new VaeforgeException(VaeforgeException.Code.BAD_BUNDLE, b.graphFile(role) + " is already quantised ("
                        + quantised + "); quantise the fp32 bundle it was made from");
            }
            if (QUANTISED.contains(role)) {
                folded.put(role, BatchNormFolding.fold(m));
            } else {
                unchanged.put(role, Files.readAllBytes(b.graphFile(role)));
            }
        }
        if (source.prior().file() != null) {
            extraFiles.put(source.prior().file(), Files.readAllBytes(b.directory().resolve(source.prior().file())));
        }
        Set<String> known = new LinkedHashSet<>();
        for (Layer l : layers()) {
            known.add(l.name());
        }
        for (String k : settings.keepFp32()) {
            if (!known.contains(k)) {
                throw VaeforgeException.badParameter("keepFp32: no layer '" + k + "' in " + bundle + "; its layers are "
                        + String.join(", ", known), "keepFp32");
            }
        }
        for (GraphRole role : QUANTISED) {
            // fails here, before any calibration, on a node that cannot be quantised
            QdqGraph.plan(role.key(), folded.get(role), new LinkedHashSet<>(settings.keepFp32()));
        }
    }

    /** Every weighted layer of the encoder and decoder. */
    private List<Layer> layers() {
        List<Layer> out = new ArrayList<>();
        for (GraphRole role : QUANTISED) {
            out.addAll(QdqGraph.weightedLayers(role.key(), folded.get(role)));
        }
        return out;
    }

    private Result run(Path out, boolean replace) throws IOException {
        buildFeeds();
        List<Manifest.Quantization.KeptLayer> kept = new ArrayList<>();
        for (String k : settings.keepFp32()) {
            kept.add(new Manifest.Quantization.KeptLayer(graphOf(k), k, "option"));
        }
        Path scratch = Files.createTempDirectory("vaeforge-quantize");
        try {
            Candidate c = candidate(names(kept));
            Manifest.Quantization.Gate gate = measure(c, scratch, "gate");
            if (!gate.passed() && settings.sensitivity()) {
                List<double[]> harm = new ArrayList<>();
                List<Layer> all = layers();
                List<Layer> tried = new ArrayList<>();
                for (Layer l : all) {
                    if (names(kept).contains(l.name())) {
                        continue;
                    }
                    Set<String> others = new LinkedHashSet<>();
                    for (Layer o : all) {
                        if (!o.equals(l)) {
                            others.add(o.name());
                        }
                    }
                    Manifest.Quantization.Gate alone = measure(candidate(others), scratch, "sensitivity " + l.name());
                    harm.add(new double[] {alone.psnrVsFp32(), tried.size()});
                    tried.add(l);
                }
                harm.sort(Comparator.comparingDouble(h -> h[0]));
                for (double[] h : harm) {
                    Layer l = tried.get((int) h[1]);
                    kept.add(new Manifest.Quantization.KeptLayer(l.graph(), l.name(), String.format(java.util.Locale.ROOT,
                            "sensitivity: %.2f dB against fp32 when quantised alone", h[0])));
                    c = candidate(names(kept));
                    gate = measure(c, scratch, "gate");
                    if (gate.passed()) {
                        break;
                    }
                }
            }
            if (!gate.passed() && !settings.force()) {
                throw new VaeforgeException(VaeforgeException.Code.PARITY, String.format(java.util.Locale.ROOT,
                        "int8 graphs fail the quality gate on %d held-out images: PSNR %.2f dB against fp32 (min %.1f), "
                                + "SSIM change %+.4f (max drop %.4f), ELBO change %+.3f nats of %.2f (max %.1f%%), "
                                + "latent mean error %.4f (max %.4f); nothing written (force writes it anyway)",
                        gate.images(), gate.psnrVsFp32(), settings.thresholds().minPsnr(), gate.ssimChange(),
                        settings.thresholds().maxSsimDrop(), gate.elboChange(), gate.elboFp32(),
                        100 * settings.thresholds().maxElboChange(), gate.maxLatentMeanError(),
                        settings.thresholds().maxLatentMeanError()));
            }
            return write(out, replace, c, kept, gate);
        } finally {
            AtomicFiles.deleteTree(scratch);
        }
    }

    private String graphOf(String layer) {
        for (Layer l : layers()) {
            if (l.name().equals(layer)) {
                return l.graph();
            }
        }
        return null;
    }

    private static Set<String> names(List<Manifest.Quantization.KeptLayer> kept) {
        Set<String> s = new LinkedHashSet<>();
        kept.forEach(k -> s.add(k.layer()));
        return s;
    }

    /** Calibration inputs: images for the encoder; for the decoder the fp32 posterior means of the same images and as many prior draws. */
    private void buildFeeds() {
        int n = settings.calibrationImages();
        PixelMapping pixels = PixelMapping.of(source.image());
        TensorSpec image = source.graphs().get(GraphRole.ENCODER.key()).input(TensorRole.IMAGE).orElseThrow();
        TensorSpec latent = source.graphs().get(GraphRole.DECODER.key()).input(TensorRole.LATENT).orElseThrow();
        double scale = source.latent().scaleOrOne();
        long[] latentShape = source.latent().shape();
        List<Map<String, Tensor>> enc = new ArrayList<>();
        List<Map<String, Tensor>> dec = new ArrayList<>();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        for (int b = 0; b < n; b += BATCH) {
            int k = Math.min(BATCH, n - b);
            float[] x = data.batch(idx, b, k);
            enc.add(Map.of(image.name(), Tensor.of(pixels.toGraph(x).clone(), batchShape(k, fp32.imageShape().channels(),
                    fp32.imageShape().height(), fp32.imageShape().width()))));
            Posterior p = fp32.encode(x, k);
            dec.add(Map.of(latent.name(), Tensor.of(divide(p.mu(), scale), batchShape(k, latentShape))));
            float[] draws = fp32.priorSamples(k, settings.seed() + b);
            dec.add(Map.of(latent.name(), Tensor.of(divide(draws, scale), batchShape(k, latentShape))));
            progress.update("calibration inputs", b + k, n);
        }
        feeds.put(GraphRole.ENCODER, enc);
        feeds.put(GraphRole.DECODER, dec);
    }

    private static float[] divide(float[] v, double s) {
        float[] out = v.clone();
        if (s != 1) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (out[i] / s);
            }
        }
        return out;
    }

    private static long[] batchShape(int n, long... rest) {
        long[] s = new long[rest.length + 1];
        s[0] = n;
        System.arraycopy(rest, 0, s, 1, rest.length);
        return s;
    }

    private static long[] batchShape(int n, int c, int h, int w) {
        return new long[] {n, c, h, w};
    }

    /** The graphs with every layer but {@code keep} quantised. */
    private record Candidate(Map<GraphRole, byte[]> graphs, Map<String, List<String>> quantised) {
    }

    private Candidate candidate(Set<String> keep) {
        Map<GraphRole, byte[]> graphs = new EnumMap<>(unchanged);
        Map<String, List<String>> quantised = new LinkedHashMap<>();
        for (GraphRole role : QUANTISED) {
            ModelProto m = folded.get(role);
            QdqGraph.Plan plan = QdqGraph.plan(role.key(), m, keep);
            Map<String, QuantParams> known = params.computeIfAbsent(role, r -> new HashMap<>());
            Set<String> missing = new LinkedHashSet<>(plan.roots());
            missing.removeAll(known.keySet());
            if (!missing.isEmpty()) {
                // calibrate every tensor the full plan needs once; a smaller plan needs a subset
                QdqGraph.Plan full = QdqGraph.plan(role.key(), m, Set.of());
                QdqGraph.Plan toMeasure = full.roots().containsAll(missing) ? full : plan;
                int total = feeds.get(role).size() * (settings.method() == CalibrationMethod.PERCENTILE ? 2 : 1);
                known.putAll(Calibrator.calibrate(m, toMeasure, feeds.get(role), settings.method(), settings.percentile(),
                        done -> progress.update("calibrating " + role.key(), done, total)));
            }
            graphs.put(role, QdqGraph.rewrite(m, plan, known).toByteArray());
            List<String> names = new ArrayList<>();
            plan.layers().forEach(l -> names.add(l.name()));
            quantised.put(role.key(), names);
        }
        return new Candidate(graphs, quantised);
    }

    /** Writes {@code c} as a scratch bundle, opens it as any bundle and gates it against the fp32 one. */
    private Manifest.Quantization.Gate measure(Candidate c, Path scratch, String phase) throws IOException {
        Path dir = scratch.resolve("candidate");
        BundleWriter.write(dir, source.withGolden(null), c.graphs(), extraFiles, true);
        try (VaeRuntime int8 = VaeRuntime.open(dir, Device.CPU, BATCH)) {
            return QualityGate.measure(fp32, int8, data, settings.calibrationImages(), settings.gateImages(),
                    settings.thresholds(), settings.seed(), settings.force(),
                    done -> progress.update(phase, done, settings.gateImages()));
        }
    }

    private Result write(Path out, boolean replace, Candidate c, List<Manifest.Quantization.KeptLayer> kept,
                         Manifest.Quantization.Gate gate) {
        String id = UUID.randomUUID().toString();
        Map<GraphRole, byte[]> graphs = new EnumMap<>(GraphRole.class);
        for (Map.Entry<GraphRole, byte[]> e : c.graphs().entrySet()) {
            graphs.put(e.getKey(), QUANTISED.contains(e.getKey()) ? stamp(e.getValue(), id) : e.getValue());
        }
        Manifest.Quantization q = new Manifest.Quantization("int8", "int8 symmetric per output channel, 7-bit range [-63, 63]",
                "uint8 asymmetric per tensor", settings.method().id(),
                settings.method() == CalibrationMethod.PERCENTILE ? settings.percentile() : null,
                new Manifest.Quantization.Calibration(dataSpec, data.fingerprint(), settings.calibrationImages()),
                List.copyOf(kept), c.quantised(), source.id(), gate);
        Manifest m = source.withIdentity(id, Instant.now().toString()).withGolden(null).withQuantization(q);
        Map<String, byte[]> files = new LinkedHashMap<>(extraFiles);
        long seed = source.golden() != null ? source.golden().seed() : GoldenRecorder.DEFAULT_SEED;
        GoldenRecorder.Recorded golden = GoldenRecorder.record(m, graphs, seed);
        files.putAll(golden.files());
        Manifest written = BundleWriter.write(out, m.withGolden(golden.golden()), graphs, files, replace);
        return new Result(written, out);
    }

    /** The graph with {@code vaeforge.precision = int8} and the new bundle id in its metadata. */
    private static byte[] stamp(byte[] graph, String id) {
        ModelProto m = OnnxModels.parse(graph, "quantised graph");
        Map<String, String> meta = new LinkedHashMap<>(OnnxModels.metadata(m));
        if (meta.containsKey(BundleFormat.METADATA_BUNDLE_ID)) {
            meta.put(BundleFormat.METADATA_BUNDLE_ID, id);
        }
        meta.put("vaeforge.precision", "int8");
        ModelProto.Builder b = m.toBuilder().clearMetadataProps();
        meta.forEach((k, v) -> b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return b.build().toByteArray();
    }
}
