package dev.vaeforge.runtime.bundle;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The model families a bundle may hold, with the graphs each one must have. */
public enum ModelFamily {
    VAE("vae", List.of(GraphRole.ENCODER, GraphRole.DECODER));

    private final String id;
    private final List<GraphRole> graphs;

    ModelFamily(String id, List<GraphRole> graphs) {
        this.id = id;
        this.graphs = graphs;
    }

    public String id() {
        return id;
    }

    /** Exactly the graphs a bundle of this family contains. */
    public List<GraphRole> graphs() {
        return graphs;
    }

    public static ModelFamily fromId(String id) {
        for (ModelFamily f : values()) {
            if (f.id.equals(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown model family '" + id + "', expected one of "
                + Arrays.stream(values()).map(ModelFamily::id).collect(Collectors.joining(", ")));
    }
}
