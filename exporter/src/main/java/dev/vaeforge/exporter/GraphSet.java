package dev.vaeforge.exporter;

import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorSpec;
import dev.vaeforge.trainer.model.Likelihood;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a {@link GraphSetExport} produces: each graph's bytes, v2 manifest entry (every tensor with its
 * {@link dev.vaeforge.runtime.bundle.TensorRole}) and measured parity, in the order they were measured;
 * the latent, likelihood and conditioning (null for an unconditional model) of the manifest; and the
 * prior with the files it needs. The prior is computed only after the exporter accepted the graphs'
 * parity, since fitting one (a vqvae's code prior) is the slowest step of an export.
 */
public record GraphSet(Map<GraphRole, Graph> graphs, Manifest.Latent latent, Manifest.Likelihood likelihood,
                       Manifest.Conditioning conditioning, Supplier<BundlePrior> prior) {

    public GraphSet {
        graphs = Collections.unmodifiableMap(new LinkedHashMap<>(graphs));
        Objects.requireNonNull(latent, "latent");
        Objects.requireNonNull(likelihood, "likelihood");
        Objects.requireNonNull(prior, "prior");
    }

    /** One exported graph: the serialised ONNX model, its manifest entry (no file or hash yet) and its parity. */
    public record Graph(byte[] onnx, List<TensorSpec> inputs, List<TensorSpec> outputs, ParityCheck.Result parity) {
        public Graph {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
        }

        public Manifest.Graph entry() {
            return new Manifest.Graph(null, null, inputs, outputs);
        }
    }

    /** The manifest's prior and the files it refers to (a vqvae's code_prior.json), by file name. */
    public record BundlePrior(Manifest.Prior prior, Map<String, byte[]> files) {
        public BundlePrior {
            files = Map.copyOf(files);
        }

        public static BundlePrior of(String type) {
            return new BundlePrior(new Manifest.Prior(type), Map.of());
        }
    }

    /** The manifest's likelihood: bernoulli, or gaussian with its fixed sigma. */
    public static Manifest.Likelihood likelihood(Likelihood likelihood, double gaussianSigma) {
        return new Manifest.Likelihood(likelihood.id(), likelihood == Likelihood.GAUSSIAN ? gaussianSigma : null);
    }

    public Map<GraphRole, byte[]> bytes() {
        Map<GraphRole, byte[]> m = new EnumMap<>(GraphRole.class);
        graphs.forEach((role, g) -> m.put(role, g.onnx()));
        return m;
    }

    /** The manifest's graph entries by role key, in order. */
    public Map<String, Manifest.Graph> entries() {
        Map<String, Manifest.Graph> m = new LinkedHashMap<>();
        graphs.forEach((role, g) -> m.put(role.key(), g.entry()));
        return m;
    }

    /** The recorded parity per graph: each graph's largest float difference. */
    public Map<String, Double> parity() {
        Map<String, Double> m = new LinkedHashMap<>();
        graphs.forEach((role, g) -> m.put(role.key(), g.parity().maxAbs()));
        return m;
    }
}
