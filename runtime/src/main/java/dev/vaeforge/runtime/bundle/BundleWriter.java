package dev.vaeforge.runtime.bundle;

import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.io.AtomicFiles;
import dev.vaeforge.runtime.io.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a bundle directory all at once: the graphs and manifest.json go to a temporary sibling
 * directory, which is renamed to the target only when complete. A crash leaves either nothing or a
 * whole bundle.
 */
public final class BundleWriter {
    private BundleWriter() {
    }

    /**
     * @param manifest the manifest; its graph entries' {@code file} and {@code sha256} are filled in here
     * @param graphs the serialised ONNX model of every graph, by role
     * @param replace replace an existing bundle at {@code target} (otherwise that is an error)
     * @return the manifest as written
     */
    public static Manifest write(Path target, Manifest manifest, Map<GraphRole, byte[]> graphs, boolean replace) {
        return write(target, manifest, graphs, Map.of(), replace);
    }

    /**
     * As {@link #write(Path, Manifest, Map, boolean)} with further files next to the graphs (a code-grid
     * bundle's code_prior.json, golden tensors), which the manifest lists with their sha256 itself.
     */
    public static Manifest write(Path target, Manifest manifest, Map<GraphRole, byte[]> graphs, Map<String, byte[]> files,
                                 boolean replace) {
        if (Files.exists(target) && !replace) {
            throw VaeforgeException.badParameter(target + " already exists; choose another out or pass overwrite", "out",
                    "overwrite");
        }
        if (Files.exists(target) && !Files.isRegularFile(target.resolve(BundleFormat.MANIFEST))
                && isNonEmptyDirectory(target)) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT,
                    target + " exists and is not a vaeforge bundle; refusing to replace it");
        }
        Map<String, Manifest.Graph> specs = new LinkedHashMap<>();
        Map<GraphRole, byte[]> ordered = new EnumMap<>(graphs);
        for (Map.Entry<GraphRole, byte[]> e : ordered.entrySet()) {
            Manifest.Graph g = manifest.graphs().get(e.getKey().key());
            if (g == null) {
                throw new IllegalArgumentException("manifest has no entry for graph " + e.getKey().key());
            }
            specs.put(e.getKey().key(), new Manifest.Graph(e.getKey().fileName(), Hashing.sha256(e.getValue()),
                    g.inputs(), g.outputs()));
        }
        Manifest complete = new Manifest(manifest.format(), manifest.formatVersion(), manifest.id(), manifest.createdAt(),
                manifest.family(), manifest.image(), manifest.likelihood(), manifest.latent(), manifest.conditioning(),
                manifest.prior(), manifest.opset(), specs, manifest.parity(), manifest.provenance(), manifest.golden(),
                manifest.quantization());
        Path staged = null;
        try {
            staged = AtomicFiles.tempSibling(target);
            for (Map.Entry<GraphRole, byte[]> e : ordered.entrySet()) {
                Files.write(staged.resolve(e.getKey().fileName()), e.getValue());
            }
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Files.write(staged.resolve(e.getKey()), e.getValue());
            }
            Files.writeString(staged.resolve(BundleFormat.MANIFEST), Json.write(complete), StandardCharsets.UTF_8);
            AtomicFiles.publishDirectory(staged, target, replace);
            staged = null;
            return complete;
        } catch (IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.IO, "cannot write bundle " + target + ": " + e.getMessage(), e);
        } finally {
            if (staged != null) {
                try {
                    AtomicFiles.deleteTree(staged);
                } catch (IOException ignored) {
                    // best effort: the staged directory is hidden and never mistaken for a bundle
                }
            }
        }
    }

    private static boolean isNonEmptyDirectory(Path p) {
        try (var s = Files.list(p)) {
            return s.findAny().isPresent();
        } catch (IOException e) {
            return true;
        }
    }
}
