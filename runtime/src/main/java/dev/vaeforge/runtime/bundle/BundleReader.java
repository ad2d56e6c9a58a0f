package dev.vaeforge.runtime.bundle;

import static dev.vaeforge.runtime.VaeforgeException.Code.BAD_BUNDLE;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.VaeforgeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a bundle directory and trusts nothing: format and version, the manifest's structure (see
 * {@link ManifestChecks}), safe file names and every file's sha256. Format 1 is parsed into its own
 * record and upgraded in memory to the v2 {@link Manifest}; format 2 is read as it is. Each failure
 * is one specific message naming the file and the field. The family label is never read.
 */
public final class BundleReader {
    private BundleReader() {
    }

    public static Bundle open(Path dir) {
        if (!Files.exists(dir)) {
            throw fail(dir + ": no such bundle directory");
        }
        if (!Files.isDirectory(dir)) {
            throw fail(dir + ": not a directory (a bundle is a directory with " + BundleFormat.MANIFEST + ")");
        }
        Path manifestFile = dir.resolve(BundleFormat.MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw fail(dir + ": no " + BundleFormat.MANIFEST + " (not a vaeforge bundle)");
        }
        Manifest m = read(manifestFile);
        ManifestChecks.check(dir, manifestFile, m);
        return new Bundle(dir, m);
    }

    /** Parses manifest.json of either version into the v2 form, after checking format name and version. */
    static Manifest read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new VaeforgeException(BAD_BUNDLE, file + ": cannot read (" + e.getMessage() + ")", e);
        }
        JsonNode tree = parse(text, JsonNode.class, file);
        int version = checkHeader(file, tree);
        return version == 1 ? parse(text, ManifestV1.class, file).upgrade(file) : parse(text, Manifest.class, file);
    }

    private static int checkHeader(Path file, JsonNode tree) {
        String format = tree.path("format").isTextual() ? tree.path("format").asText() : String.valueOf(tree.get("format"));
        if (!BundleFormat.FORMAT.equals(format)) {
            throw fail(file + ": field 'format' is '" + format + "', expected '" + BundleFormat.FORMAT + "'");
        }
        JsonNode v = tree.path("formatVersion");
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw fail(file + ": field 'formatVersion' is " + v + ", expected 1.." + BundleFormat.VERSION);
        }
        int version = v.asInt();
        if (version > BundleFormat.VERSION) {
            throw fail(file + ": bundle format version " + version + " is newer than this runtime supports ("
                    + BundleFormat.VERSION + "); upgrade vaeforge to open it");
        }
        if (version < 1) {
            throw fail(file + ": field 'formatVersion' is " + version + ", expected 1.." + BundleFormat.VERSION);
        }
        return version;
    }

    private static <T> T parse(String text, Class<T> type, Path file) {
        try {
            return Json.parse(text, type, file.toString());
        } catch (IllegalArgumentException e) {
            throw new VaeforgeException(BAD_BUNDLE, e.getMessage(), e);
        }
    }

    static VaeforgeException fail(String message) {
        return new VaeforgeException(BAD_BUNDLE, message);
    }
}
