package dev.vaeforge.runtime.metrics.lpips;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.io.AtomicFiles;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.runtime.session.Device;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Installed LPIPS graphs, so that evaluation computes LPIPS without flags once a user has one. The
 * store is a directory ({@link #defaultDir()}) holding each graph as {@code lpips-<backbone>-<sha12>.onnx}
 * and an index {@value #INDEX} ({@link Index}: every graph's backbone, sha256, where it came from,
 * smallest image size and sanity values, and which one is the default: the one installed last).
 * Graphs and index are written through {@link AtomicFiles} under a file lock, so a crash or two
 * installs at once never leave a half-written graph or index behind.
 */
public final class LpipsStore {
    public static final String INDEX = "lpips.json";
    public static final String FORMAT = "vaeforge-lpips-store";
    public static final int FORMAT_VERSION = 1;
    /** System property naming the store directory (tests, embedding); wins over the environment. */
    public static final String DIR_PROPERTY = "vaeforge.lpips.dir";
    /** Environment variable naming the store directory. */
    public static final String DIR_ENV = "VAEFORGE_LPIPS_DIR";

    private final Path dir;

    public LpipsStore(Path dir) {
        this.dir = dir;
    }

    /**
     * {@code -Dvaeforge.lpips.dir}, else {@code $VAEFORGE_LPIPS_DIR}, else {@code $VAEFORGE_CACHE/lpips}, else
     * {@code $XDG_CACHE_HOME/vaeforge/lpips}, else {@code ~/.cache/vaeforge/lpips}: next to the dataset cache
     * ({@code DatasetCache.defaultRoot()}), which takes {@code $VAEFORGE_CACHE} itself as its root.
     */
    public static Path defaultDir() {
        String prop = System.getProperty(DIR_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String own = System.getenv(DIR_ENV);
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String cache = System.getenv("VAEFORGE_CACHE");
        if (cache != null && !cache.isBlank()) {
            return Path.of(cache, "lpips");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("vaeforge").resolve("lpips");
    }

    public Path dir() {
        return dir;
    }

    /** One installed graph. {@code file} is relative to the store. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(String file, String backbone, String sha256, String source, String installedAt, int minHeight,
                        int minWidth, LpipsSanityCheck.Result sanity) {
    }

    /** The store's index: its graphs in installation order, and the sha256 of the default one. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Index(String format, int formatVersion, String defaultSha256, List<Entry> graphs) {
    }

    /** The installed graphs, oldest first; empty when nothing was installed. */
    public List<Entry> list() {
        return index().graphs();
    }

    /** The graph evaluation uses without flags: the one installed last. */
    public Optional<Entry> defaultGraph() {
        Index ix = index();
        return ix.graphs().stream().filter(e -> e.sha256().equals(ix.defaultSha256())).findFirst();
    }

    /** Where an entry's graph lies. */
    public Path path(Entry e) {
        return dir.resolve(e.file());
    }

    /**
     * Checks {@code file} (signature when opened, then {@link LpipsSanityCheck}), copies it into the
     * store and makes it the default. A graph already installed (same sha256) is not copied again but
     * becomes the default. A graph that fails is refused and nothing is written.
     */
    public Entry install(Path file, Device device) {
        LpipsGraphInfo info;
        LpipsSanityCheck.Result sanity;
        String sha;
        try (LpipsModel model = LpipsModel.open(file, device)) {
            sanity = LpipsSanityCheck.require(model);
            info = model.info();
            sha = model.sha256();
        }
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = ch.lock()) {
                byte[] bytes = Files.readAllBytes(file);
                if (!Hashing.sha256(bytes).equals(sha)) {
                    throw new VaeforgeException(VaeforgeException.Code.IO, file + ": changed while it was being checked; "
                            + "install it again");
                }
                String name = "lpips-" + info.backbone().replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + sha.substring(0, 12) + ".onnx";
                Path target = dir.resolve(name);
                if (!Files.isRegularFile(target) || !Hashing.sha256(target).equals(sha)) {
                    AtomicFiles.write(target, bytes);
                }
                Entry entry = new Entry(name, info.backbone(), sha, file.toAbsolutePath().normalize().toString(),
                        Instant.now().toString(), info.minHeight(), info.minWidth(), sanity);
                List<Entry> graphs = new ArrayList<>(index().graphs());
                graphs.removeIf(e -> e.sha256().equals(sha));
                graphs.add(entry);
                AtomicFiles.writeString(dir.resolve(INDEX), Json.write(new Index(FORMAT, FORMAT_VERSION, sha, graphs)));
                return entry;
            }
        } catch (IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.IO, dir + ": cannot install the LPIPS graph ("
                    + e.getMessage() + ")", e);
        }
    }

    private Index index() {
        Path f = dir.resolve(INDEX);
        if (!Files.isRegularFile(f)) {
            return new Index(FORMAT, FORMAT_VERSION, null, List.of());
        }
        Index ix = Json.read(f, Index.class, VaeforgeException.Code.BAD_INPUT);
        if (!FORMAT.equals(ix.format()) || ix.formatVersion() != FORMAT_VERSION) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, f + ": format " + ix.format() + " version "
                    + ix.formatVersion() + ", expected " + FORMAT + " version " + FORMAT_VERSION);
        }
        return ix.graphs() == null ? new Index(FORMAT, FORMAT_VERSION, ix.defaultSha256(), List.of()) : ix;
    }
}
