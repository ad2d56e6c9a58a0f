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
        Provenance provenance) {

    /** Image shape and the pixel range the graphs use (always [0, 1]). */
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
     * "vector" with {@code dim}, or (vqvae) "grid": an h x w grid of codebook indices whose entries are
     * {@code dim}-dimensional vectors, with {@code height}, {@code width} and {@code codebookSize}. The
     * grid fields are optional and absent for vector latents, so older manifests read unchanged.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Latent(String kind, int dim, Integer height, Integer width, Integer codebookSize) {
        public static final String VECTOR = "vector";
        public static final String GRID = "grid";

        public Latent(String kind, int dim) {
            this(kind, dim, null, null, null);
        }
    }

    /** What the graphs' {@code y} input means: "labels" (one-hot) or "attributes" (multi-hot), by name. */
    public record Conditioning(String type, List<String> names) {
    }

    /**
     * How to sample the latent: "standard-normal" is z ~ N(0, I) (vector latents). A vqvae bundle has
     * "codes-uniform" (each position's code uniform over the codebook) or "codes-empirical": each
     * position's code from the code distribution fitted on the training set at export, stored in
     * {@code file} (code_prior.json, {@link CodePrior}) with its {@code sha256}; uniform sampling stays
     * available.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Prior(String type, String file, String sha256) {
        public static final String STANDARD_NORMAL = "standard-normal";
        public static final String CODES_UNIFORM = "codes-uniform";
        public static final String CODES_EMPIRICAL = "codes-empirical";

        public Prior(String type) {
            this(type, null, null);
        }
    }

    /** One graph file with its hash and its signature. */
    public record Graph(String file, String sha256, List<TensorSpec> inputs, List<TensorSpec> outputs) {
    }

    /** Largest |ORT - DJL| difference per graph measured at export, on {@code batch} random inputs. */
    public record Parity(double tolerance, int batch, long seed, Map<String, Double> maxAbsError) {
    }

    /** Where the model came from. {@code trainingConfig} is the trainer's config JSON as a tree. */
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
            String runDirectory) {
    }
}
