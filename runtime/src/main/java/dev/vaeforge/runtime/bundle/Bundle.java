package dev.vaeforge.runtime.bundle;

import java.nio.file.Path;

/**
 * A bundle whose manifest parsed and whose files exist with the recorded hashes. Graph signatures
 * are checked when sessions are created (see {@code dev.vaeforge.runtime.session.BundleSessions}).
 */
public record Bundle(Path directory, Manifest manifest, ModelFamily family) {

    public Path graphFile(GraphRole role) {
        Manifest.Graph g = manifest.graphs().get(role.key());
        if (g == null) {
            throw new IllegalArgumentException("bundle " + directory + " has no " + role.key() + " graph");
        }
        return directory.resolve(g.file());
    }

    public Manifest.Graph graph(GraphRole role) {
        return manifest.graphs().get(role.key());
    }
}
