package dev.vaeforge.runtime.bundle;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * A bundle whose manifest parsed (a format-1 manifest upgraded to the v2 form), passed its structural
 * checks, and whose files exist with the recorded hashes. Graph signatures are checked when sessions
 * are created (see {@code dev.vaeforge.runtime.session.BundleSessions}).
 */
public record Bundle(Path directory, Manifest manifest) {

    public Path graphFile(GraphRole role) {
        Manifest.Graph g = manifest.graphs().get(role.key());
        if (g == null) {
            throw new IllegalArgumentException("bundle " + directory + " has no " + role.key() + " graph");
        }
        return directory.resolve(g.file());
    }

    /** The graph of {@code role}, or null when the bundle has none. */
    public Manifest.Graph graph(GraphRole role) {
        return manifest.graphs().get(role.key());
    }

    /** The roles of the graphs this bundle holds. */
    public Set<GraphRole> roles() {
        Set<GraphRole> roles = EnumSet.noneOf(GraphRole.class);
        for (String k : manifest.graphs().keySet()) {
            GraphRole.fromKey(k).ifPresent(roles::add);
        }
        return roles;
    }

    public boolean has(GraphRole role) {
        return manifest.graphs().containsKey(role.key());
    }
}
