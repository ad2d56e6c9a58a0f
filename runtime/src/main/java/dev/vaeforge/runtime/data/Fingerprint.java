package dev.vaeforge.runtime.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 over a sequence of named text values, for dataset fingerprints and cache keys. Files are
 * identified by absolute path, size and modification time (reading a 1.4 GB dataset to hash it would
 * cost more than decoding it), or by content where they are small ({@link #fileContent}).
 */
final class Fingerprint {
    private final MessageDigest md;

    private Fingerprint(String kind) {
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        add("kind", kind);
    }

    /** A fingerprint of the given kind, e.g. "vaeforge-npy-v1". */
    static Fingerprint of(String kind) {
        return new Fingerprint(kind);
    }

    Fingerprint add(String key, Object value) {
        md.update((key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Path, size and modification time (milliseconds). */
    Fingerprint file(String key, Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return add(key, file.toAbsolutePath().normalize() + "\t" + a.size() + "\t" + a.lastModifiedTime().toMillis());
    }

    /** A small file's content. */
    Fingerprint fileContent(String key, Path file) throws IOException {
        add(key, file.getFileName());
        byte[] buf = new byte[1 << 16];
        try (var in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        md.update((byte) '\n');
        return this;
    }

    /** The whole digest, 64 hex digits. */
    String hex() {
        return HexFormat.of().formatHex(md.digest());
    }
}
