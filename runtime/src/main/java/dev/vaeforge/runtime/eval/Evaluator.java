package dev.vaeforge.runtime.eval;

import ai.onnxruntime.OrtException;
import dev.vaeforge.runtime.VaeRuntime;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.BundleFormat;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.condition.ConditionSpec;
import dev.vaeforge.runtime.condition.DatasetConditions;
import dev.vaeforge.runtime.data.FolderDataset;
import dev.vaeforge.runtime.data.ImageDataset;
import dev.vaeforge.runtime.data.ImageShape;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.runtime.metrics.ImageQualityMetrics;
import dev.vaeforge.runtime.metrics.PixelMetrics;
import dev.vaeforge.runtime.model.Chunks;
import dev.vaeforge.runtime.model.LatentHead;
import dev.vaeforge.runtime.model.Prior;
import dev.vaeforge.runtime.model.Reconstruction;
import dev.vaeforge.runtime.ops.Posterior;
import dev.vaeforge.runtime.session.Device;
import dev.vaeforge.runtime.session.Sessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams a dataset through a bundle in batches and computes the reconstruction metrics of every
 * image (against its posterior-mean reconstruction) and, with {@code samples > 0}, the generation
 * metrics (prior samples against their own reconstructions). Per-image values go to a CSV as they
 * are computed and into running summaries, so memory does not grow with the dataset; image decoding
 * runs on a background thread while ONNX Runtime works.
 */
public final class Evaluator {
    static final int GRID_IMAGES = 16;
    static final int SAMPLE_GRID = 64;

    private final VaeRuntime rt;
    private final EvalSettings settings;
    private final Lpips lpips;
    private final Device device;
    private final EvalListener listener;
    /** Requested metrics that cannot apply to this bundle's images, with the reason. */
    private final Map<String, String> inapplicable = new LinkedHashMap<>();
    /** A code-grid latent: how often each code was picked over the evaluated images; null for the others. */
    private final long[] codeCounts;
    /** KL, ELBO, NLL and active units from each image's posterior (a Gaussian latent). */
    private final PosteriorMetrics posteriorMetrics;
    /** What generation samples are drawn from: the bundle's own prior. */
    private final Prior prior;

    /** @param lpips the LPIPS graph, or null: LPIPS is then reported as not computed, never as a number */
    public Evaluator(VaeRuntime rt, EvalSettings settings, Lpips lpips, Device device, EvalListener listener) {
        this.rt = rt;
        this.prior = rt.prior();
        this.lpips = lpips;
        this.settings = applicable(settings, rt.imageShape());
        this.device = device;
        this.listener = listener;
        this.codeCounts = rt.model().codes().map(c -> new long[c.codebookSize()]).orElse(null);
        this.posteriorMetrics = new PosteriorMetrics(rt, this.settings);
    }

    /**
     * Evaluates {@code data} and writes every output file into {@code out} (see {@link EvalOutputs}).
     *
     * @param dataset spec, split, description and fingerprint of {@code data}, for metrics.json (the image
     *     count recorded is the number actually evaluated)
     */
    public EvaluationResult evaluate(ImageDataset data, EvaluationResult.DatasetRef dataset, Path bundleDir,
                                     EvalOutputs out) {
        ImageShape shape = rt.imageShape();
        if (!data.shape().equals(shape)) {
            throw VaeforgeException.badParameter(dataset.spec() + " has " + data.shape() + " images but the bundle expects "
                    + shape + " (channels x height x width); set resize to centre-crop and scale them, or use data of"
                    + " the model's size", "resize");
        }
        int n = settings.limit() == null ? data.size() : Math.min(settings.limit(), data.size());
        if (lpips != null && settings.has(MetricName.LPIPS)) {
            lpips.check(shape);
        }
        if (n == 0) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, dataset.spec() + ": the dataset is empty");
        }
        DatasetConditions conditions = rt.condition().map(spec -> conditions(spec, data, dataset.spec())).orElse(null);
        Map<MetricName, RunningStats> rec = new EnumMap<>(MetricName.class);
        Map<MetricName, RunningStats> gen = new EnumMap<>(MetricName.class);
        Map<String, String> notComputed = notComputed();
        TopImages best = new TopImages(GRID_IMAGES);
        TopImages worst = new TopImages(GRID_IMAGES);
        long t0 = System.nanoTime();
        try (ImageQualityMetrics quality = openQualityMetrics();
             Prefetcher pre = new Prefetcher(data, n, settings.batchSize(), 2)) {
            Prefetcher.Batch b;
            while ((b = pre.next()) != null) {
                reconstructionBatch(b, data, conditions, quality, rec, best, worst, out);
                listener.onProgress("reconstruction", b.from() + b.count(), n, (System.nanoTime() - t0) / 1e9);
            }
            double recSeconds = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            float[] sampleGrid = settings.samples() > 0 ? generation(quality, gen, conditions, n) : null;
            double genSeconds = (System.nanoTime() - t1) / 1e9;
            out.writeGrids(best.sorted(), worst.sorted(), sampleGrid, Math.min(SAMPLE_GRID, settings.samples()), shape,
                    settings.has(MetricName.SSIM));
            EvaluationResult result = result(new EvaluationResult.DatasetRef(dataset.spec(), dataset.split(),
                            dataset.description(), dataset.fingerprint(), n), bundleDir, rec,
                    settings.samples() > 0 ? gen : null, notComputed,
                    new EvaluationResult.Throughput(n, recSeconds, n / recSeconds, settings.samples(), genSeconds),
                    out.fileNames(settings.samples() > 0), codeUsage(codeCounts, prior), posteriorMetrics.latentUsage(),
                    posteriorMetrics.surgery());
            out.finish(result);
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VaeforgeException(VaeforgeException.Code.IO, "evaluation interrupted", e);
        } catch (OrtException e) {
            throw new VaeforgeException(VaeforgeException.Code.IO, "ONNX Runtime failed during evaluation: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * metrics.json's content from summaries computed here or elsewhere (merged from the partitions of a Spark
     * job): the bundle, the settings, how each number was estimated and the versions are this evaluator's.
     *
     * @param generation null when no prior samples were evaluated
     * @param codes null unless the latent is a grid of codes ({@link #codeUsage})
     * @param latent null unless the latent is Gaussian ({@link #latentUsage})
     * @param surgery null when the ELBO surgery was not computed
     */
    public EvaluationResult result(EvaluationResult.DatasetRef dataset, Path bundleDir,
                                   Map<MetricName, RunningStats> reconstruction, Map<MetricName, RunningStats> generation,
                                   Map<String, String> notComputed, EvaluationResult.Throughput throughput,
                                   Map<String, String> files, EvaluationResult.CodeUsage codes,
                                   EvaluationResult.LatentUsage latent, EvaluationResult.Surgery surgery) throws IOException {
        return new EvaluationResult(EvaluationResult.FORMAT, EvaluationResult.VERSION, true, Instant.now().toString(),
                bundleRef(bundleDir), dataset, settingsRef(), summaries(reconstruction),
                generation == null ? null : summaries(generation), notComputed, estimation(), throughput, versions(), files,
                codes, latent, surgery);
    }

    /** The settings after the bundle's checks: metrics that cannot apply to its images are left out. */
    public EvalSettings settings() {
        return settings;
    }

    /** Requested metrics that will not be computed, with the reason (no LPIPS graph, images too small, ...). */
    public Map<String, String> notComputed() {
        Map<String, String> notComputed = new LinkedHashMap<>();
        if (settings.has(MetricName.LPIPS) && lpips == null) {
            notComputed.put("lpips", "no LPIPS graph given (install one with 'vaeforge lpips install FILE', or pass "
                    + "--lpips-model FILE; see docs/EVALUATION.md); LPIPS weights cannot be bundled");
        }
        notComputed.putAll(inapplicable);
        return notComputed;
    }

    /** The SSIM/GMSD sessions {@link #reconstructionValues} needs, or null when neither metric is wanted; close it. */
    public ImageQualityMetrics openQualityMetrics() {
        return needsQuality() ? qualityMetrics() : null;
    }

    /**
     * The per-image values of one batch, as written to metrics.csv: {@code metrics} holds only the requested
     * metrics; {@code mse} is always there (it ranks images when SSIM is off).
     *
     * @param posterior the batch's Gaussian posterior, or null
     * @param codes the batch's code indices (a code-grid latent), or null
     */
    public record BatchValues(Map<MetricName, double[]> metrics, double[] mse, float[] reconstruction,
                              Posterior posterior, long[] codes) {
    }

    /**
     * Reconstructs a batch and computes every requested per-image metric, the same way {@link #evaluate} does,
     * for callers that stream images themselves (a Spark partition). The posterior means also go to this
     * evaluator's active-unit statistics.
     *
     * @param y the batch's conditions, or null for an unconditioned bundle
     * @param indices each image's index in its dataset: seeds the ELBO's and the NLL's draws
     * @param quality from {@link #openQualityMetrics}
     */
    public BatchValues reconstructionValues(float[] x, float[] y, int n, int[] indices, ImageQualityMetrics quality)
            throws OrtException {
        ImageShape shape = rt.imageShape();
        Reconstruction r = rt.reconstruction(x, y, n);
        Posterior post = r.posterior();
        float[] xHat = r.pixels();
        Map<MetricName, double[]> v = PairMetrics.compute(x, xHat, n, shape, settings.metrics(), quality, lpips);
        if (settings.has(MetricName.BCE)) {
            v.put(MetricName.BCE, PixelMetrics.bce(x, xHat, n, shape));
        }
        if (post != null) {
            posteriorMetrics.add(x, y, post, indices, v);
        }
        double[] mse = v.get(MetricName.MSE);
        if (!settings.has(MetricName.MSE)) {
            v.remove(MetricName.MSE);
        }
        return new BatchValues(v, mse, xHat, post, r.codes());
    }

    /** {@code first, first + 1, ..., first + n - 1}: the indices of a batch of consecutive images. */
    static int[] consecutive(int first, int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = first + i;
        }
        return idx;
    }

    /** SSIM needs an 11x11 window and GMSD 2x2 pixels; smaller images get "not computed" with the reason. */
    private EvalSettings applicable(EvalSettings settings, ImageShape shape) {
        Map<String, String> notComputed = inapplicable;
        java.util.EnumSet<MetricName> m = java.util.EnumSet.copyOf(settings.metrics());
        int side = Math.min(shape.height(), shape.width());
        if (side < dev.vaeforge.runtime.metrics.QualityConstants.SSIM_WINDOW && m.remove(MetricName.SSIM)) {
            notComputed.put("ssim", "images are " + shape.height() + "x" + shape.width() + ", smaller than SSIM's "
                    + dev.vaeforge.runtime.metrics.QualityConstants.SSIM_WINDOW + "x"
                    + dev.vaeforge.runtime.metrics.QualityConstants.SSIM_WINDOW + " window");
        }
        if (side < dev.vaeforge.runtime.metrics.QualityConstants.GMSD_MIN_SIDE && m.remove(MetricName.GMSD)) {
            notComputed.put("gmsd", "images are smaller than 2x2");
        }
        String noLpips = lpips == null ? null : lpips.unsupportedReason(shape);
        if (noLpips != null && m.remove(MetricName.LPIPS)) {
            // the other metrics of such images are still computed; LPIPS alone needs larger images
            notComputed.put("lpips", noLpips);
        }
        String noKl = noKlReason();
        for (MetricName k : new MetricName[] {MetricName.KL, MetricName.ELBO}) {
            if (noKl != null && m.remove(k)) {
                notComputed.put(k.id(), noKl);
            }
        }
        if (settings.nllSamples() > 0 && noKl != null) {
            throw VaeforgeException.badParameter("nll-samples applies to bundles with a Gaussian latent and a prior "
                    + "with a density; " + noKl, "nll-samples");
        }
        return new EvalSettings(settings.limit(), settings.batchSize(), m, settings.samples(), settings.seed(),
                settings.nllSamples(), settings.surgeryImages());
    }

    /**
     * Why KL and ELBO cannot be computed: the latent head's reason (a grid of codes) or a prior without a
     * closed-form KL; null when they can. The model is named by the manifest's label where it has one.
     */
    private String noKlReason() {
        String reason = rt.model().latent().noKlReason();
        if (reason == null && rt.model().levels().isEmpty() && !prior.closedFormKl() && !prior.hasDensity()) {
            reason = "the prior " + prior.type() + " has neither a closed-form KL against a Gaussian posterior nor a density";
        }
        if (reason == null) {
            return null;
        }
        String label = rt.manifest().family();
        return "not defined for " + (label == null ? "this model" : "a " + label) + ": " + reason;
    }

    /** The dataset's own condition of each image (its class or attributes), for a conditional bundle. */
    private static DatasetConditions conditions(ConditionSpec spec, ImageDataset data, String what) {
        try {
            return DatasetConditions.of(spec, data);
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, what + ": " + e.getMessage(), e);
        }
    }

    private void reconstructionBatch(Prefetcher.Batch batch, ImageDataset data, DatasetConditions conditions,
                                     ImageQualityMetrics quality,
                                     Map<MetricName, RunningStats> rec, TopImages best, TopImages worst,
                                     EvalOutputs out) throws OrtException, IOException {
        int b = batch.count();
        float[] x = batch.pixels();
        int per = rt.imageShape().size();
        float[] y = conditions == null ? null : conditions.range(batch.from(), b);
        BatchValues values = reconstructionValues(x, y, b, consecutive(batch.from(), b), quality);
        float[] xHat = values.reconstruction();
        if (values.codes() != null && codeCounts != null) {
            synchronized (codeCounts) {
                for (long c : values.codes()) {
                    codeCounts[(int) c]++;
                }
            }
        }
        Map<MetricName, double[]> v = values.metrics();
        double[] mse = values.mse();
        double[] ssim = v.get(MetricName.SSIM);
        for (int i = 0; i < b; i++) {
            int idx = batch.from() + i;
            for (Map.Entry<MetricName, double[]> e : v.entrySet()) {
                rec.computeIfAbsent(e.getKey(), k -> new RunningStats()).add(e.getValue()[i]);
            }
            double score = ssim != null ? ssim[i] : -mse[i];
            best.offer(idx, score, x, xHat, i * per, per);
            worst.offer(idx, -score, x, xHat, i * per, per);
            out.csvRow(idx, imageId(data, idx), v, i);
        }
    }

    /**
     * Prior samples x_g, each against its own reconstruction; returns the first samples for the grid. For a
     * conditional bundle sample i takes the condition of evaluated image (i mod images), so the conditions
     * follow the data's distribution of classes or attribute combinations.
     */
    private float[] generation(ImageQualityMetrics quality, Map<MetricName, RunningStats> gen,
                               DatasetConditions conditions, int images) throws OrtException {
        int total = settings.samples();
        int per = rt.imageShape().size();
        int shown = Math.min(SAMPLE_GRID, total);
        float[] grid = new float[shown * per];
        Prior.Draws draws = prior.draws(settings.seed());
        long t0 = System.nanoTime();
        Chunks.forEach(total, settings.batchSize(), (from, b) -> {
            float[] y = null;
            if (conditions != null) {
                int a = conditions.dim();
                y = new float[b * a];
                for (int i = 0; i < b; i++) {
                    System.arraycopy(conditions.get((from + i) % images), 0, y, i * a, a);
                }
            }
            float[] xg = rt.decodeDraw(draws.next(from, b), y);
            float[] xr = rt.reconstruct(xg, y, b);
            Map<MetricName, double[]> v = PairMetrics.compute(xg, xr, b, rt.imageShape(), settings.metrics(), quality, lpips);
            v.keySet().retainAll(settings.metrics());
            for (Map.Entry<MetricName, double[]> e : v.entrySet()) {
                RunningStats s = gen.computeIfAbsent(e.getKey(), k -> new RunningStats());
                for (double value : e.getValue()) {
                    s.add(value);
                }
            }
            if (from < shown) {
                System.arraycopy(xg, 0, grid, from * per, Math.min(b, shown - from) * per);
            }
            listener.onProgress("generation", from + b, total, (System.nanoTime() - t0) / 1e9);
        });
        return grid;
    }

    private boolean needsQuality() {
        return settings.has(MetricName.SSIM) || settings.has(MetricName.GMSD);
    }

    private ImageQualityMetrics qualityMetrics() {
        if (device.kind() == Device.Kind.CPU) {
            try {
                return new ImageQualityMetrics();
            } catch (OrtException e) {
                throw new VaeforgeException(VaeforgeException.Code.DEVICE, "cannot create SSIM/GMSD sessions: " + e.getMessage(), e);
            }
        }
        return new ImageQualityMetrics(Sessions.environment(), Sessions.options(device));
    }

    /** Relative path for folder images (also inside a split), else the index in the evaluated set. */
    private static String imageId(ImageDataset data, int idx) {
        if (data instanceof dev.vaeforge.runtime.data.Subset s && s.base() instanceof FolderDataset f) {
            return f.relativePath(s.baseIndex(idx));
        }
        return data instanceof FolderDataset f ? f.relativePath(idx) : Integer.toString(idx);
    }

    /**
     * Active units (Burda et al. 2016) from each latent dimension's statistics of the posterior means over the
     * evaluated images (merged from partitions, say).
     */
    public static EvaluationResult.LatentUsage latentUsage(RunningStats[] meanStats) {
        return PosteriorMetrics.latentUsage(meanStats, null, null);
    }

    private static Map<String, RunningStats.Summary> summaries(Map<MetricName, RunningStats> stats) {
        Map<String, RunningStats.Summary> out = new LinkedHashMap<>();
        stats.forEach((k, v) -> out.put(k.id(), v.summary()));
        return out;
    }

    /**
     * A code-grid latent: the code usage over every grid position of the evaluated images, from how often each
     * code was picked; null for the others ({@code codeCounts} null).
     */
    public static EvaluationResult.CodeUsage codeUsage(long[] codeCounts, Prior prior) {
        if (codeCounts == null) {
            return null;
        }
        long total = 0;
        int used = 0;
        for (long c : codeCounts) {
            total += c;
            used += c > 0 ? 1 : 0;
        }
        double h = 0;
        for (long c : codeCounts) {
            if (c > 0) {
                double p = (double) c / total;
                h -= p * Math.log(p);
            }
        }
        return new EvaluationResult.CodeUsage(total == 0 ? Double.NaN : Math.exp(h), used, codeCounts.length, total,
                prior.id());
    }

    /** How each number was computed, in words from the latent head and the prior. */
    private Map<String, String> estimation() {
        LatentHead head = rt.model().latent();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("reconstruction", head.reconstructionText() + "; per-image values averaged over images");
        if (noKlReason() == null && rt.model().levels().isPresent()) {
            List<String> names = rt.model().levels().get().levelNames();
            String t = names.get(0);
            String b = names.get(1);
            m.put("elbo", "single-sample Monte Carlo estimate in nats per image: log p(x|" + b + ") - KL_" + t + " - KL_" + b
                    + " with one " + t + " ~ q(" + t + "|x) and one " + b + " ~ q(" + b + "|" + t + ", x) (precision-weighted)"
                    + " seeded by (seed, image index); log p(x|" + b + ") is the bundle's "
                    + rt.manifest().likelihood().type() + " log-likelihood summed over pixels and channels");
            m.put("kl", "KL_" + t + " + KL_" + b + " in nats per image: KL(q(" + t + "|x) || N(0, I)) in closed form, and "
                    + "KL(q(" + b + "|" + t + ", x) || p(" + b + "|" + t + ")) in closed form at the ELBO's draw of " + t
                    + "; each level's mean is latent.levels[].kl");
        } else if (noKlReason() == null) {
            m.put("elbo", "single-sample Monte Carlo estimate in nats per image: log p(x|z) - KL(q(z|x) || "
                    + prior.notation() + ") with one z ~ q(z|x) seeded by (seed, image index); log p(x|z) is the bundle's "
                    + rt.manifest().likelihood().type() + " log-likelihood summed over pixels and channels");
            boolean flow = rt.manifest().graphs().containsKey(dev.vaeforge.runtime.bundle.GraphRole.POSTERIOR_FLOW.key());
            m.put("kl", flow ? "Monte Carlo: log q_K(z_K|x) - log p(z_K) of the flow posterior (posterior_flow), "
                    + "log q_K = log q_0(z_0|x) - log det, with the ELBO's draw z_0 ~ q_0(z|x), in nats per image; the ELBO "
                    + "and the NLL decode z_K"
                    : prior.closedFormKl() ? "closed form against " + prior.notation() + ", in nats per image"
                    : "Monte Carlo: log q(z|x) - log p(z) with the ELBO's draw z ~ q(z|x), in nats per image (the prior "
                    + prior.notation() + " has no closed-form KL); unbiased for the mean over images");
        }
        if (settings.nllSamples() > 0 && rt.model().levels().isPresent()) {
            m.put("nll", "-log p(x) by importance sampling (Burda et al. 2016) in nats per image and bits per dimension: "
                    + settings.nllSamples() + " draws per image of every level from the hierarchy's q (top level first, "
                    + "then the lower one given it), seeded by (seed, image index), log-mean-exp of log p(x|z_bottom) + "
                    + "log p(all levels) - log q(all levels|x) with p = " + prior.notation() + "; nll_se is each image's "
                    + "Monte-Carlo standard error (delta method)");
        } else if (settings.nllSamples() > 0) {
            m.put("nll", "-log p(x) by importance sampling (Burda et al. 2016) in nats per image and bits per dimension: "
                    + settings.nllSamples() + " draws per image from the encoder's q(z|x) as proposal, seeded by (seed, "
                    + "image index), log-mean-exp of log p(x|z) + log p(z) - log q(z|x) with p(z) = " + prior.notation()
                    + "; never below the ELBO of the same draws; nll_se is each image's Monte-Carlo standard error "
                    + "(delta method)");
        }
        if (posteriorMetrics.surgeryEnabled()) {
            m.put("surgery", "ELBO surgery (Hoffman & Johnson 2016) over a seeded subsample of at most "
                    + settings.surgeryImages() + " posteriors: see surgery.estimator");
        }
        m.put("generation", prior.description() + " seeded; each decoded sample x_g is compared with "
                + head.sampleCheckText());
        if (codeCounts != null) {
            m.put("codes", "perplexity exp(H(p)) of the code frequencies p over every grid position of the evaluated"
                    + " images, and the number of codes used at least once");
        }
        m.put("psnr", "mean over images of 10 log10(1 / MSE); identical images (+infinity) are counted in 'infinite' "
                + "and left out of the mean");
        m.put("ssim", "Wang et al. 2004 as scikit-image (Gaussian 11x11, sigma 1.5, valid filtering, per channel mean)");
        m.put("gmsd", "Xue et al. 2014 as piq (luma, 2x2 average pooling, Prewitt/3, c = 170/255^2)");
        if (lpips != null && settings.has(MetricName.LPIPS)) {
            m.put("lpips", "Zhang et al. 2018 with the graph " + lpips.description() + ": images in [0,1] mapped to "
                    + "[-1,1] by 2x - 1, gray replicated to RGB; reconstruction: x against decoder(mu(x)); generation: each "
                    + "prior sample x_g against its reconstruction");
        }
        rt.condition().ifPresent(c -> m.put("condition", "conditioned on " + c.describe() + ": every image is encoded and "
                + "decoded with its own condition from the dataset; generated sample i takes the condition of evaluated "
                + "image (i mod images)"));
        return m;
    }

    private EvaluationResult.SettingsRef settingsRef() {
        return new EvaluationResult.SettingsRef(settings.limit(), settings.batchSize(),
                settings.metrics().stream().map(MetricName::id).toList(), settings.samples(), settings.seed(),
                device.toString(), lpips == null || !settings.has(MetricName.LPIPS) ? null : lpips.description(),
                prior.description(), lpips == null || !settings.has(MetricName.LPIPS) ? null : lpips.ref());
    }

    private EvaluationResult.BundleRef bundleRef(Path dir) throws IOException {
        Manifest m = rt.manifest();
        String run = m.provenance() == null ? null : m.provenance().runDirectory();
        return new EvaluationResult.BundleRef(dir.toAbsolutePath().toString(), m.id(), m.family(),
                Hashing.sha256(dir.resolve(BundleFormat.MANIFEST)), run, m.quantization());
    }

    private static Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("vaeforge", dev.vaeforge.runtime.onnx.Versions.vaeforge());
        v.put("onnxRuntime", dev.vaeforge.runtime.onnx.Versions.onnxRuntime());
        v.put("java", System.getProperty("java.version"));
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        v.put("arch", System.getProperty("os.arch"));
        return v;
    }
}
