package dev.vaeforge.runtime.model;

import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.bundle.TensorRole;
import dev.vaeforge.runtime.bundle.TensorSpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** A discriminator graph: image -> logit of "real image" and, where the graph has one, a feature map. */
public final class DiscriminatorHead {
    private final ModelSessions sessions;
    private final PixelMapping pixels;
    private final int maxBatch;

    DiscriminatorHead(ModelSessions sessions, PixelMapping pixels, int maxBatch) {
        this.sessions = sessions;
        this.pixels = pixels;
        this.maxBatch = maxBatch;
    }

    /** The discriminator on {@code n} images in [0, 1]; features are empty when the graph has none. */
    public Discrimination discriminate(float[] images, int n) {
        Manifest.Graph g = sessions.graph(GraphRole.DISCRIMINATOR);
        TensorSpec image = g.input(TensorRole.IMAGE).orElseThrow();
        String logit = g.output(TensorRole.LOGIT).orElseThrow().name();
        TensorSpec features = g.output(TensorRole.FEATURES).orElse(null);
        long[] featureShape = features == null ? new long[0] : Arrays.copyOfRange(features.shape(), 1, features.shape().length);
        int perFeature = features == null ? 0 : Decoder.perItem(features.shape());
        int per = Decoder.perItem(image.shape());
        Set<String> outs = new LinkedHashSet<>();
        outs.add(logit);
        if (features != null) {
            outs.add(features.name());
        }
        float[] logits = new float[n];
        float[] maps = new float[n * perFeature];
        Chunks.forEach(n, maxBatch, (from, b) -> {
            Map<String, Tensor> in = new HashMap<>();
            in.put(image.name(), Tensor.of(pixels.toGraph(Chunks.slice(images, from, b, per)), Decoder.batch(image.shape(), b)));
            try (ModelSessions.Outputs r = sessions.run(GraphRole.DISCRIMINATOR, in, outs)) {
                System.arraycopy(r.floats(logit), 0, logits, from, b);
                if (features != null) {
                    System.arraycopy(r.floats(features.name()), 0, maps, from * perFeature, b * perFeature);
                }
            }
        });
        return new Discrimination(logits, maps, featureShape, n);
    }
}
