package dev.vaeforge.runtime.bundle;

import static dev.vaeforge.runtime.VaeforgeException.Code.BAD_BUNDLE;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Opens a bundle that is a directory or a zip archive ({@code BUNDLE.zip}). An archive is extracted
 * into a fresh owner-only temporary directory that belongs to the returned {@link Opened} and is
 * deleted when it is closed. The archive is untrusted: every entry name is checked before anything
 * is written (no absolute paths, no {@code ..}, no backslashes, flat or under one top folder), each
 * file is created new (never through an existing file or link), and the number of entries and the
 * bytes actually inflated are capped, so an archive can never make the runtime write outside that
 * directory or fill the disk.
 */
public final class BundleArchive {
    /** At most this many entries (a bundle has a manifest and up to four graphs). */
    public static final int MAX_ENTRIES = 64;
    /** Default cap on the inflated size; system property {@code vaeforge.bundle.maxZipBytes} overrides it. */
    public static final long DEFAULT_MAX_BYTES = 8L << 30;

    private BundleArchive() {
    }

    /** A verified bundle and, for an archive, the temporary directory it was extracted into. */
    public static final class Opened implements AutoCloseable {
        private final Bundle bundle;
        private final Path extracted;

        Opened(Bundle bundle, Path extracted) {
            this.bundle = bundle;
            this.extracted = extracted;
        }

        public Bundle bundle() {
            return bundle;
        }

        /** The extraction directory, or null when the bundle is a directory. */
        public Path extracted() {
            return extracted;
        }

        /** Deletes the extraction directory, if any. */
        @Override
        public void close() {
            if (extracted != null) {
                try {
                    AtomicFiles.deleteTree(extracted);
                } catch (IOException e) {
                    // a temporary directory under java.io.tmpdir; nothing else can be done here
                }
            }
        }
    }

    /** Whether {@code path} is a file to be opened as an archive rather than a bundle directory. */
    public static boolean isArchive(Path path) {
        return Files.isRegularFile(path) && path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip");
    }

    /**
     * Opens and verifies a bundle directory or zip archive (see {@link BundleReader#open}); messages
     * about files inside an archive name them as {@code BUNDLE.zip!/file}.
     */
    public static Opened open(Path path) {
        if (!isArchive(path)) {
            return new Opened(BundleReader.open(path), null);
        }
        Path dir = createPrivateTempDirectory();
        try {
            Path root = extract(path, dir);
            try {
                return new Opened(BundleReader.open(root), dir);
            } catch (VaeforgeException e) {
                throw new VaeforgeException(e.code(), e.getMessage().replace(root.toString(), path + "!"), e);
            }
        } catch (RuntimeException e) {
            new Opened(null, dir).close();
            throw e;
        }
    }

    private static Path createPrivateTempDirectory() {
        try {
            try {
                return Files.createTempDirectory("vaeforge-bundle-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException e) {
                return Files.createTempDirectory("vaeforge-bundle-");
            }
        } catch (IOException e) {
            throw new VaeforgeException(VaeforgeException.Code.IO, "cannot create a temporary directory to extract a"
                    + " bundle archive: " + e.getMessage(), e);
        }
    }

    /**
     * Extracts {@code zip} into the empty directory {@code into} and returns the bundle root: {@code into}
     * itself, or its single top folder when every file of the archive is inside one.
     *
     * @throws VaeforgeException naming the archive, the entry and the rule it breaks
     */
    static Path extract(Path zip, Path into) {
        long maxBytes = Long.getLong("vaeforge.bundle.maxZipBytes", DEFAULT_MAX_BYTES);
        try (ZipFile zf = new ZipFile(zip.toFile())) {
            List<? extends ZipEntry> entries = Collections.list(zf.entries());
            if (entries.size() > MAX_ENTRIES) {
                throw fail(zip, "has " + entries.size() + " entries; a bundle has at most " + MAX_ENTRIES);
            }
            List<String[]> files = new ArrayList<>();
            List<ZipEntry> fileEntries = new ArrayList<>();
            for (ZipEntry e : entries) {
                String[] parts = checkName(zip, e.getName());
                if (!e.isDirectory()) {
                    files.add(parts);
                    fileEntries.add(e);
                }
            }
            String top = commonTop(zip, files);
            Path root = top == null ? into : into.resolve(top);
            Files.createDirectories(root);
            Set<String> seen = new HashSet<>();
            long total = 0;
            for (int i = 0; i < files.size(); i++) {
                String[] parts = files.get(i);
                String name = parts[parts.length - 1];
                if (!seen.add(name)) {
                    throw fail(zip, "lists '" + fileEntries.get(i).getName() + "' twice");
                }
                Path out = root.resolve(name).normalize();
                if (!out.startsWith(into) || !out.getParent().equals(root)) {
                    throw fail(zip, "entry '" + fileEntries.get(i).getName() + "' would be written outside the extraction"
                            + " directory");
                }
                total += copy(zip, zf, fileEntries.get(i), out, maxBytes - total);
            }
            return root;
        } catch (ZipException e) {
            throw fail(zip, "is not a valid zip archive (" + e.getMessage() + ")");
        } catch (FileAlreadyExistsException e) {
            throw fail(zip, "would overwrite " + e.getFile() + " while extracting");
        } catch (IOException e) {
            throw new VaeforgeException(BAD_BUNDLE, zip + ": cannot extract (" + e.getMessage() + ")", e);
        }
    }

    /** The name's segments, or a refusal saying which rule the name breaks. */
    private static String[] checkName(Path zip, String name) {
        if (name.isEmpty() || name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0) {
            throw fail(zip, "entry '" + name.replace("\0", "\\0") + "' has an empty name, a NUL or a backslash;"
                    + " only plain relative names with '/' are allowed");
        }
        if (name.startsWith("/") || name.matches("^[A-Za-z]:.*")) {
            throw fail(zip, "entry '" + name + "' is an absolute path; a bundle archive holds relative names only");
        }
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        String[] parts = trimmed.split("/", -1);
        for (String p : parts) {
            if (p.equals("..") || p.equals(".") || p.isEmpty()) {
                throw fail(zip, "entry '" + name + "' escapes or leaves the extraction directory ('" + p
                        + "' segment); refusing the archive");
            }
        }
        if (parts.length > 2) {
            throw fail(zip, "entry '" + name + "' is nested " + (parts.length - 1) + " folders deep; a bundle is flat"
                    + " (files at the top, or in one top folder)");
        }
        return parts;
    }

    /** The single top folder all files are in, or null when they are all at the top; anything else is refused. */
    private static String commonTop(Path zip, List<String[]> files) {
        if (files.isEmpty()) {
            throw fail(zip, "holds no files");
        }
        String top = files.get(0).length == 2 ? files.get(0)[0] : null;
        for (String[] f : files) {
            String t = f.length == 2 ? f[0] : null;
            if (top == null ? t != null : !top.equals(t)) {
                throw fail(zip, "mixes files at the top with files in folders ('" + String.join("/", f) + "'); a bundle"
                        + " archive holds its files at the top or in one top folder");
            }
        }
        return top;
    }

    private static long copy(Path zip, ZipFile zf, ZipEntry e, Path out, long budget) throws IOException {
        long written = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = zf.getInputStream(e);
             OutputStream os = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                written += n;
                if (written > budget) {
                    throw fail(zip, "inflates to more than " + Long.getLong("vaeforge.bundle.maxZipBytes",
                            DEFAULT_MAX_BYTES) + " bytes (at entry '" + e.getName() + "'); refusing it");
                }
                os.write(buf, 0, n);
            }
        }
        return written;
    }

    private static VaeforgeException fail(Path zip, String message) {
        return new VaeforgeException(BAD_BUNDLE, zip + ": " + message);
    }
}
