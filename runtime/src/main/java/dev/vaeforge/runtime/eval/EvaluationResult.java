package dev.vaeforge.runtime.eval;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * metrics.json: every value of one evaluation, what it was computed on and how. Written last and
 * atomically, with {@code complete = true}; a file without it was not written by a finished run.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationResult(
        String format,
        int formatVersion,
        boolean complete,
        String createdAt,
        BundleRef bundle,
        DatasetRef dataset,
        SettingsRef settings,
        Map<String, RunningStats.Summary> reconstruction,
        Map<String, RunningStats.Summary> generation,
        Map<String, String> notComputed,
        Map<String, String> estimation,
        Throughput throughput,
        Map<String, String> versions,
        Map<String, String> files,
        CodeUsage codes,
        LatentUsage latent,
        Surgery surgery) {

    /** The metrics without ELBO surgery (older files, and tests). */
    public EvaluationResult(String format, int formatVersion, boolean complete, String createdAt, BundleRef bundle,
                            DatasetRef dataset, SettingsRef settings, Map<String, RunningStats.Summary> reconstruction,
                            Map<String, RunningStats.Summary> generation, Map<String, String> notComputed,
                            Map<String, String> estimation, Throughput throughput, Map<String, String> versions,
                            Map<String, String> files, CodeUsage codes, LatentUsage latent) {
        this(format, formatVersion, complete, createdAt, bundle, dataset, settings, reconstruction, generation,
                notComputed, estimation, throughput, versions, files, codes, latent, null);
    }

    /** The metrics without latent usage (older files, and tests). */
    public EvaluationResult(String format, int formatVersion, boolean complete, String createdAt, BundleRef bundle,
                            DatasetRef dataset, SettingsRef settings, Map<String, RunningStats.Summary> reconstruction,
                            Map<String, RunningStats.Summary> generation, Map<String, String> notComputed,
                            Map<String, String> estimation, Throughput throughput, Map<String, String> versions,
                            Map<String, String> files, CodeUsage codes) {
        this(format, formatVersion, complete, createdAt, bundle, dataset, settings, reconstruction, generation,
                notComputed, estimation, throughput, versions, files, codes, null);
    }

    /** The metrics without code usage (every latent but a grid of codes). */
    public EvaluationResult(String format, int formatVersion, boolean complete, String createdAt, BundleRef bundle,
                            DatasetRef dataset, SettingsRef settings, Map<String, RunningStats.Summary> reconstruction,
                            Map<String, RunningStats.Summary> generation, Map<String, String> notComputed,
                            Map<String, String> estimation, Throughput throughput, Map<String, String> versions,
                            Map<String, String> files) {
        this(format, formatVersion, complete, createdAt, bundle, dataset, settings, reconstruction, generation,
                notComputed, estimation, throughput, versions, files, null);
    }

    /**
     * A code-grid latent: how the evaluated images use the codebook: perplexity exp(H(p)) of the code frequencies p
     * over all grid positions of all images, and the number of codes used at least once, of K.
     */
    public record CodeUsage(double perplexity, int codesUsed, int codebookSize, long positions, String prior) {
    }

    /**
     * A Gaussian latent: how many of its {@code dims} dimensions are active, i.e. whose posterior mean varies
     * across the evaluated images by more than {@code threshold} (Cov_x E_q[z_d] > 0.01, Burda et al. 2016);
     * {@code variance} is that variance per dimension.
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record LatentUsage(int dims, int activeUnits, double threshold, java.util.List<Double> variance,
                              java.util.List<Level> levels) {
        /** One level's share. */
        public LatentUsage(int dims, int activeUnits, double threshold, java.util.List<Double> variance) {
            this(dims, activeUnits, threshold, variance, null);
        }

        /**
         * A latent of several levels: each level (top first) with its {@code dims}, active units and mean KL in
         * nats per image (the top level's against N(0, I), a lower one's against its conditional prior);
         * {@code variance} and the totals above cover the levels bottom first.
         */
        public record Level(String name, int dims, int activeUnits, double kl) {
        }
    }

    /**
     * ELBO surgery (Hoffman and Johnson 2016) over a seeded subsample of the evaluated posteriors: the mean KL
     * split into the mutual information I_q[x; z] and the marginal KL(q(z) || p(z)), in nats per image.
     *
     * @param images         posteriors in the subsample (K), which also form the mixture q(z)
     * @param ofImages       posteriors evaluated, of which the subsample was drawn
     * @param klClosedForm   mean closed-form KL over the subsample, where the prior has one (else null)
     * @param klMonteCarlo   mean of log q(z_i|x_i) - log p(z_i): equals mutualInformation + marginalKl
     * @param miUpperBound   log K, the largest MI this estimator can return
     * @param prior          the prior's notation, e.g. "N(0, I)"
     * @param estimator      how it was computed, in words
     */
    public record Surgery(int images, long ofImages, Double klClosedForm, Estimate klMonteCarlo,
                          Estimate mutualInformation, Estimate marginalKl, double miUpperBound, String prior,
                          String estimator) {
        /** A Monte-Carlo mean and its standard error. */
        public record Estimate(double value, double standardError) {
        }
    }

    public static final String FORMAT = "vaeforge-evaluation";
    public static final int VERSION = 1;

    /**
     * Which bundle: its directory, manifest id, family and the sha256 of its manifest.json; for an int8 bundle its
     * quantization record (precision, calibration, kept-fp32 layers, gate), absent for fp32.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BundleRef(String path, String id, String family, String manifestSha256, String runDirectory,
                            dev.vaeforge.runtime.bundle.Manifest.Quantization quantization) {
        /** An fp32 bundle's reference. */
        public BundleRef(String path, String id, String family, String manifestSha256, String runDirectory) {
            this(path, id, family, manifestSha256, runDirectory, null);
        }

        /** One line on an int8 bundle's precision and gate, or null for fp32. */
        public String precisionSummary() {
            if (quantization == null) {
                return null;
            }
            var g = quantization.gate();
            return String.format(java.util.Locale.ROOT, "%s (%s calibration on %d images; %d layers kept fp32; gate %s: "
                            + "PSNR vs fp32 %.2f dB, SSIM change %+.4f, ELBO change %+.3f nats, max latent mean error %.4f)",
                    quantization.precision(), quantization.method(), quantization.calibration().images(),
                    quantization.keptFp32().size(), g.passed() ? "passed" : g.forced() ? "FAILED, forced" : "FAILED",
                    g.psnrVsFp32(), g.ssimChange(), g.elboChange(), g.maxLatentMeanError());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DatasetRef(String spec, String split, String description, String fingerprint, int images) {
    }

    /**
     * @param prior how generation samples were drawn (the prior's description, e.g. "z ~ N(0, I)")
     * @param lpips the LPIPS graph used, or null when LPIPS was off or no graph was found
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SettingsRef(Integer limit, int batchSize, List<String> metrics, int samples, long seed, String device,
                              String lpipsModel, String prior, LpipsRef lpips) {
        /** Without the LPIPS graph's identity (files written before it was recorded). */
        public SettingsRef(Integer limit, int batchSize, List<String> metrics, int samples, long seed, String device,
                           String lpipsModel, String prior) {
            this(limit, batchSize, metrics, samples, seed, device, lpipsModel, prior, null);
        }
    }

    /**
     * The LPIPS graph an evaluation used: its backbone ({@code alex}, {@code squeeze}, {@code vgg} or
     * {@code unknown}), the sha256 of the graph file, the file itself, and how it was chosen
     * ({@code --lpips-model}, {@code $VAEFORGE_LPIPS}, or {@code installed}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LpipsRef(String backbone, String sha256, String file, String source) {
    }

    /** Wall time of the reconstruction pass and of the generation pass, and images per second. */
    public record Throughput(int images, double seconds, double imagesPerSecond, int samples, double sampleSeconds) {
    }
}
