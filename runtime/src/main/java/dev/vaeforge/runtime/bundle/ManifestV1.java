package dev.vaeforge.runtime.bundle;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * manifest.json at format version 1, read only to be upgraded in memory to the v2 {@link Manifest}.
 * Version 1 has no tensor roles (the runtime knew them from fixed tensor names) and describes the
 * latent as {@code {kind: vector, dim}} or {@code {kind: grid, dim, height, width, codebookSize}}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ManifestV1(
        String format,
        int formatVersion,
        String id,
        String createdAt,
        String family,
        Manifest.Image image,
        Manifest.Likelihood likelihood,
        Latent latent,
        Manifest.Conditioning conditioning,
        Manifest.Prior prior,
        int opset,
        Map<String, Manifest.Graph> graphs,
        Manifest.Parity parity,
        Manifest.Provenance provenance) {

    /** v1's latent: a Gaussian vector of {@code dim}, or a grid of codes of dimension {@code dim}. */
    record Latent(String kind, int dim, Integer height, Integer width, Integer codebookSize) {
    }

    static final String VECTOR = "vector";
    static final String GRID = "grid";

    /** The role of each of format 1's fixed tensor names. */
    static final Map<String, String> ROLES = Map.ofEntries(
            Map.entry("x", TensorRole.IMAGE),
            Map.entry("y", TensorRole.CONDITION),
            Map.entry("mu", TensorRole.LATENT_MEAN),
            Map.entry("logvar", TensorRole.LATENT_LOGVAR),
            Map.entry("z", TensorRole.LATENT),
            Map.entry("x_hat", TensorRole.RECONSTRUCTION),
            Map.entry("z_e", TensorRole.LATENT_UNQUANTIZED),
            Map.entry("indices", TensorRole.CODE_INDICES),
            Map.entry("z_q", TensorRole.LATENT_QUANTIZED),
            Map.entry("codebook", TensorRole.CODEBOOK),
            Map.entry("logit", TensorRole.LOGIT),
            Map.entry("features", TensorRole.FEATURES));

    /**
     * The same bundle in the v2 form: roles from the tensor names (a format-1 decoder ends in a sigmoid,
     * so its x_hat holds probabilities), the latent in v2 terms. {@code formatVersion} stays 1 so callers
     * can tell what was on disk.
     */
    Manifest upgrade(Path file) {
        return new Manifest(format, formatVersion, id, createdAt, family, image, likelihood, upgradeLatent(file),
                conditioning, prior, opset, upgradeGraphs(), parity, provenance);
    }

    private Manifest.Latent upgradeLatent(Path file) {
        if (latent == null || latent.dim() < 1) {
            throw BundleReader.fail(file + ": field 'latent.dim' must be a positive integer");
        }
        String kind = latent.kind() == null ? VECTOR : latent.kind();
        if (VECTOR.equals(kind)) {
            return Manifest.Latent.gaussian(latent.dim());
        }
        if (!GRID.equals(kind)) {
            throw BundleReader.fail(file + ": field 'latent.kind' must be vector or grid, got '" + kind + "'");
        }
        if (latent.height() == null || latent.height() < 1 || latent.width() == null || latent.width() < 1
                || latent.codebookSize() == null || latent.codebookSize() < 1) {
            throw BundleReader.fail(file + ": field 'latent' of kind grid needs {kind: grid, dim, height, width,"
                    + " codebookSize} with positive values");
        }
        return Manifest.Latent.codes(latent.height(), latent.width(), latent.dim(), latent.codebookSize());
    }

    private Map<String, Manifest.Graph> upgradeGraphs() {
        if (graphs == null) {
            return null;
        }
        Map<String, Manifest.Graph> out = new LinkedHashMap<>();
        graphs.forEach((role, g) -> out.put(role, g == null ? null
                : new Manifest.Graph(g.file(), g.sha256(), withRoles(g.inputs()), withRoles(g.outputs()))));
        return out;
    }

    private static List<TensorSpec> withRoles(List<TensorSpec> tensors) {
        if (tensors == null) {
            return null;
        }
        return tensors.stream().map(t -> {
            String role = ROLES.get(t.name());
            String values = TensorRole.RECONSTRUCTION.equals(role) ? TensorRole.VALUES_PROBABILITIES : null;
            return t.withRole(role, values);
        }).toList();
    }
}
