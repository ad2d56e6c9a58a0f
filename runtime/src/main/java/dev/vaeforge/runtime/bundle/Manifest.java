package dev.vaeforge.runtime.bundle;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vaeforge.runtime.data.ImageShape;
import java.util.List;
import java.util.Map;

/**
 * manifest.json: everything a runtime on another machine needs to use a bundle. See
 * docs/BUNDLE.md for the field reference. Unknown fields are ignored within a format version; a
 * newer {@code formatVersion} is refused by {@link BundleReader}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
        String format,
        int formatVersion,
        String id,
        String createdAt,
        String family,
        Image image,
        Likelihood likelihood,
        Latent latent,
        Conditioning conditioning,
        Prior prior,
        int opset,
        Map<String, Graph> graphs,
        Parity parity,
        Provenance provenance,
        Golden golden,
        Quantization quantization) {

    /** A manifest of fp32 graphs (no quantization record: every bundle written before int8 bundles). */
    public Manifest(String format, int formatVersion, String id, String createdAt, String family, Image image,
                    Likelihood likelihood, Latent latent, Conditioning conditioning, Prior prior, int opset,
                    Map<String, Graph> graphs, Parity parity, Provenance provenance, Golden golden) {
        this(format, formatVersion, id, createdAt, family, image, likelihood, latent, conditioning, prior, opset, graphs,
                parity, provenance, golden, null);
    }

    /** A manifest without golden tensors (every bundle written before they existed). */
    public Manifest(String format, int formatVersion, String id, String createdAt, String family, Image image,
                    Likelihood likelihood, Latent latent, Conditioning conditioning, Prior prior, int opset,
                    Map<String, Graph> graphs, Parity parity, Provenance provenance) {
        this(format, formatVersion, id, createdAt, family, image, likelihood, latent, conditioning, prior, opset, graphs,
                parity, provenance, null);
    }

    /** This manifest with {@code g} as its golden tensors. */
    public Manifest withGolden(Golden g) {
        return new Manifest(format, formatVersion, id, createdAt, family, image, likelihood, latent, conditioning, prior,
                opset, graphs, parity, provenance, g, quantization);
    }

    /** This manifest with {@code q} as its quantization record (null: fp32 graphs). */
    public Manifest withQuantization(Quantization q) {
        return new Manifest(format, formatVersion, id, createdAt, family, image, likelihood, latent, conditioning, prior,
                opset, graphs, parity, provenance, golden, q);
    }

    /** This manifest with a new {@code id} and creation time (a bundle derived from another one). */
    public Manifest withIdentity(String newId, String newCreatedAt) {
        return new Manifest(format, formatVersion, newId, newCreatedAt, family, image, likelihood, latent, conditioning,
                prior, opset, graphs, parity, provenance, golden, quantization);
    }

    /** "int8" for a quantised bundle, "float32" otherwise. */
    public String precision() {
        return quantization == null ? "float32" : quantization.precision();
    }

    /** This manifest with {@code newGraphs} as its graph entries. */
    public Manifest withGraphs(Map<String, Graph> newGraphs) {
        return new Manifest(format, formatVersion, id, createdAt, family, image, likelihood, latent, conditioning, prior,
                opset, newGraphs, parity, provenance, golden, quantization);
    }

    /**
     * Image shape and the pixel range [lo, hi] the graphs' image tensors use ([0, 1] for every bundle
     * vaeforge writes; [-1, 1] is common elsewhere). The runtime's images are always in [0, 1] and it maps
     * them to and from this range.
     */
    public record Image(int channels, int height, int width, double[] pixelRange) {
        public ImageShape shape() {
            return new ImageShape(channels, height, width);
        }
    }

    /** "bernoulli", or "gaussian" with the fixed standard deviation {@code sigma}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Likelihood(String type, Double sigma) {
    }

    /**
     * The latent space (format v2). {@code kind}:
     * <ul>
     * <li>{@code gaussian}: q(z|x) is a diagonal Gaussian; {@code shape} is one item's latent without the
     *     batch, [D] for a vector or [C, h, w] for a grid;
     * <li>{@code codes}: a grid of codebook indices; {@code shape} is [h, w], each code a
     *     {@code codeDim}-vector of a codebook of {@code codebookSize} entries;
     * <li>{@code levels}: several Gaussian vector latents in {@code levels}, top first, each a {@link Latent}
     *     with a {@code name} that the graphs' tensors give as their {@link TensorSpec#level()}. The top
     *     level's prior is the manifest's {@code prior}; each lower level's is conditional, p(z_l | z_{l+1}),
     *     from graph {@code top_down}. {@code inference} says how q is formed: {@code precision-weighted}
     *     (the Ladder VAE's: the top level's q is the encoder's estimate; a lower level's is the encoder's
     *     estimate times the conditional prior, renormalised). {@code shape} is absent.
     * </ul>
     * A v1 manifest's {@code {kind: vector, dim}} and {@code {kind: grid, dim, height, width,
     * codebookSize}} are read into this form by {@code BundleReader}.
     * <p>{@code scale} (Gaussian latents, absent = 1): the latent the runtime works in (prior, sampling,
     * interpolation, KL) is s·z, where z is what the graphs exchange; the encoder's mean is multiplied by s,
     * its log-variance raised by 2 ln s, and the decoder receives z'/s (diffusers' {@code scaling_factor}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Latent(String kind, long[] shape, Integer codeDim, Integer codebookSize, String name,
                         List<Latent> levels, Double scale, String inference) {
        public static final String GAUSSIAN = "gaussian";
        public static final String CODES = "codes";
        public static final String LEVELS = "levels";
        /** {@code inference} of a levels latent: the Ladder VAE's precision-weighted combination. */
        public static final String PRECISION_WEIGHTED = "precision-weighted";

        /** A latent of one level. */
        public Latent(String kind, long[] shape, Integer codeDim, Integer codebookSize, String name, List<Latent> levels,
                      Double scale) {
            this(kind, shape, codeDim, codebookSize, name, levels, scale, null);
        }

        /** Gaussian vector latents, top first, each named, with their inference. */
        public static Latent levels(List<Latent> levels, String inference) {
            return new Latent(LEVELS, null, null, null, null, levels, null, inference);
        }

        /** A named Gaussian vector level of a levels latent. */
        public static Latent level(String name, int dim) {
            return new Latent(GAUSSIAN, new long[] {dim}, null, null, name, null, null, null);
        }

        /** Whether this is a latent of several levels. */
        public boolean hierarchical() {
            return LEVELS.equals(kind);
        }

        /** The level the decoder takes: the last (bottom) of a levels latent, this latent otherwise. */
        public Latent bottom() {
            return hierarchical() ? levels.get(levels.size() - 1) : this;
        }

        public Latent {
            shape = shape == null ? null : shape.clone();
            levels = levels == null ? null : List.copyOf(levels);
        }

        /** A latent without a scale (1). */
        public Latent(String kind, long[] shape, Integer codeDim, Integer codebookSize, String name, List<Latent> levels) {
            this(kind, shape, codeDim, codebookSize, name, levels, null, null);
        }

        /** This latent with {@code s} as its scale (null or 1: none). */
        public Latent withScale(Double s) {
            return new Latent(kind, shape, codeDim, codebookSize, name, levels, s == null || s == 1.0 ? null : s, inference);
        }

        /** The scale s (1 when absent). */
        public double scaleOrOne() {
            return scale == null ? 1.0 : scale;
        }

        public static Latent gaussian(long... shape) {
            return new Latent(GAUSSIAN, shape, null, null, null, null);
        }

        public static Latent codes(int height, int width, int codeDim, int codebookSize) {
            return new Latent(CODES, new long[] {height, width}, codeDim, codebookSize, null, null);
        }

        @Override
        public long[] shape() {
            return shape == null ? null : shape.clone();
        }

        /**
         * Values per item: the product of {@code shape} (a code grid: its number of positions); a levels
         * latent: the sum over its levels.
         */
        public int size() {
            if (hierarchical()) {
                return levels.stream().mapToInt(Latent::size).sum();
            }
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return Math.toIntExact(n);
        }

        public boolean gaussian() {
            return GAUSSIAN.equals(kind);
        }

        /** Value equality, the shape compared element by element. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Latent l && java.util.Objects.equals(kind, l.kind) && java.util.Arrays.equals(shape, l.shape)
                    && java.util.Objects.equals(codeDim, l.codeDim) && java.util.Objects.equals(codebookSize, l.codebookSize)
                    && java.util.Objects.equals(name, l.name) && java.util.Objects.equals(levels, l.levels)
                    && java.util.Objects.equals(scale, l.scale) && java.util.Objects.equals(inference, l.inference);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(kind, java.util.Arrays.hashCode(shape), codeDim, codebookSize, name, levels, scale, inference);
        }

        public boolean codes() {
            return CODES.equals(kind);
        }
    }

    /** What the graphs' {@code y} input means: "labels" (one-hot) or "attributes" (multi-hot), by name. */
    public record Conditioning(String type, List<String> names) {
    }

    /**
     * How to sample the latent: "standard-normal" is z ~ N(0, I) (Gaussian latents). A code-grid latent has
     * "codes-uniform" (each position's code uniform over the codebook) or "codes-empirical": each
     * position's code from the code distribution fitted on the training set at export, stored in
     * {@code file} (code_prior.json, {@link CodePrior}) with its {@code sha256}; uniform sampling stays
     * available. {@code name} (optional) is a learned prior's description for reports.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Prior(String type, String file, String sha256, String name) {
        public static final String STANDARD_NORMAL = "standard-normal";
        public static final String CODES_UNIFORM = "codes-uniform";
        public static final String CODES_EMPIRICAL = "codes-empirical";
        /**
         * A learned mixture of K diagonal Gaussians with equal weights over a Gaussian latent (the VampPrior's
         * form: its components are the posteriors of the pseudo-inputs): {@code file} is a float32 .npy of
         * shape [2, K, size], means then log-variances.
         */
        public static final String GAUSSIAN_MIXTURE = "gaussian-mixture";
        /**
         * A learned prior over a Gaussian latent given by two of the bundle's graphs: {@code prior_sample}
         * (noise z* ~ N(0, I) -> latent z) and {@code prior_log_prob} (latent z -> log p(z)), e.g. a
         * normalising flow; {@code name} says what it is, for reports.
         */
        public static final String GRAPHS = "graphs";

        public Prior(String type) {
            this(type, null, null, null);
        }

        public Prior(String type, String file, String sha256) {
            this(type, file, sha256, null);
        }

        /** A prior of {@link #GRAPHS} named {@code name} (may be null). */
        public static Prior graphs(String name) {
            return new Prior(GRAPHS, null, null, name);
        }
    }

    /** One graph file with its hash and its signature. */
    public record Graph(String file, String sha256, List<TensorSpec> inputs, List<TensorSpec> outputs) {
        /** The input with {@code role} ({@link TensorRole}), if the graph has one. */
        public java.util.Optional<TensorSpec> input(String role) {
            return find(inputs, role);
        }

        /** The output with {@code role} ({@link TensorRole}), if the graph has one. */
        public java.util.Optional<TensorSpec> output(String role) {
            return find(outputs, role);
        }

        /** The input with {@code role} at latent level {@code level} (null: untagged), if the graph has one. */
        public java.util.Optional<TensorSpec> input(String role, String level) {
            return find(inputs, role, level);
        }

        /** The output with {@code role} at latent level {@code level} (null: untagged), if the graph has one. */
        public java.util.Optional<TensorSpec> output(String role, String level) {
            return find(outputs, role, level);
        }

        private static java.util.Optional<TensorSpec> find(List<TensorSpec> tensors, String role, String level) {
            return tensors == null ? java.util.Optional.empty()
                    : tensors.stream().filter(t -> role.equals(t.role()) && java.util.Objects.equals(level, t.level()))
                    .findFirst();
        }

        private static java.util.Optional<TensorSpec> find(List<TensorSpec> tensors, String role) {
            return tensors == null ? java.util.Optional.empty()
                    : tensors.stream().filter(t -> role.equals(t.role())).findFirst();
        }
    }

    /** Largest |ORT - DJL| difference per graph measured at export, on {@code batch} random inputs. */
    public record Parity(double tolerance, int batch, long seed, Map<String, Double> maxAbsError) {
    }

    /**
     * Where the model came from. {@code trainingConfig} is the trainer's config JSON as a tree. A bundle
     * made by {@code vaeforge import} has no training fields; {@code imported} says what it was made from.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Provenance(
            Map<String, Object> trainingConfig,
            String dataset,
            String datasetFingerprint,
            int epochs,
            long steps,
            Map<String, Double> finalMetrics,
            long seed,
            Map<String, String> versions,
            String java,
            String os,
            String arch,
            String runDirectory,
            Imported imported) {

        /** Provenance of a trained model (no import record). */
        public Provenance(Map<String, Object> trainingConfig, String dataset, String datasetFingerprint, int epochs,
                          long steps, Map<String, Double> finalMetrics, long seed, Map<String, String> versions,
                          String java, String os, String arch, String runDirectory) {
            this(trainingConfig, dataset, datasetFingerprint, epochs, steps, finalMetrics, seed, versions, java, os, arch,
                    runDirectory, null);
        }
    }

    /**
     * What {@code vaeforge import} made a bundle from: each source graph by role ({@code file} as given,
     * its {@code sha256} and size, the producer it names), how each tensor's role was decided
     * ({@code bindings}: tensor -> "inferred: ..." or "--bind ..."), the options given, and the
     * {@code probes} it ran to prove the batch axis dynamic and the shapes chained.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Imported(String tool, Map<String, Source> sources, Map<String, String> bindings,
                           Map<String, String> options, List<Probe> probes) {
        /** One source graph file. */
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public record Source(String file, String sha256, long bytes, String producer, Integer opset) {
        }

        /** One probe run: {@code graph} on a batch of {@code batch}, with the shapes fed and returned and the value range out. */
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public record Probe(String graph, int batch, Map<String, List<Long>> inputs, Map<String, List<Long>> outputs,
                            Map<String, double[]> ranges) {
        }
    }

    /**
     * How the graphs of a quantised bundle were made from fp32 ones (docs/BUNDLE.md, decision 0018): the
     * {@code precision} ("int8"), the weight and activation schemes, the calibration ({@code method}
     * minmax or percentile, with its {@code percentile}), the data it was calibrated on, which layers stayed
     * fp32 and why, the layers quantised per graph, the fp32 bundle it was made from and the quality gate's
     * measurement. Absent in fp32 bundles.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Quantization(String precision, String weights, String activations, String method, Double percentile,
                               Calibration calibration, List<KeptLayer> keptFp32, Map<String, List<String>> quantized,
                               String sourceBundleId, Gate gate) {
        /** The dataset the activation ranges were measured on: its spec, fingerprint and number of images. */
        public record Calibration(String dataset, String fingerprint, int images) {
        }

        /** A layer left in fp32: its graph, node name and {@code reason} ("option" or "sensitivity: ..."). */
        public record KeptLayer(String graph, String layer, String reason) {
        }

        /**
         * The gate on {@code images} held-out images against the fp32 bundle: PSNR of the int8 reconstructions
         * against the fp32 ones (dB, of the pooled MSE), the change of the mean SSIM and ELBO against the
         * originals (int8 minus fp32), the largest |Δ| of a latent mean, each with its threshold; {@code passed},
         * and {@code forced} when it failed and was written anyway.
         */
        public record Gate(int images, double psnrVsFp32, double ssimChange, double elboChange, double elboFp32,
                           double maxLatentMeanError, Map<String, Double> thresholds, boolean passed, boolean forced) {
        }
    }
}
