package dev.vaeforge.runtime.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * Writing files and directories so that a crash never leaves a half-written one under the final
 * name: write to a temporary sibling, fsync, then rename into place.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes {@code data} to {@code target} atomically (temporary sibling, fsync, rename). */
    public static void write(Path target, byte[] data) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            move(tmp, target);
            fsyncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A fresh temporary directory next to {@code target}, on the same file system, for {@link #publishDirectory}. */
    public static Path tempSibling(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        return Files.createDirectory(abs.getParent().resolve("." + abs.getFileName() + ".tmp-" + UUID.randomUUID()));
    }

    /**
     * Moves the finished directory {@code staged} to {@code target}. With {@code replace}, an existing
     * target is moved aside first and deleted only after the new one is in place.
     */
    public static void publishDirectory(Path staged, Path target, boolean replace) throws IOException {
        fsyncTree(staged);
        Path abs = target.toAbsolutePath();
        Path old = null;
        if (Files.exists(abs)) {
            if (!replace) {
                throw new java.nio.file.FileAlreadyExistsException(abs.toString());
            }
            old = abs.getParent().resolve("." + abs.getFileName() + ".old-" + UUID.randomUUID());
            move(abs, old);
        }
        move(staged, abs);
        fsyncDirectory(abs.getParent());
        if (old != null) {
            deleteTree(old);
        }
    }

    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static void fsyncTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (Files.isRegularFile(p)) {
                    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                }
            }
        }
        fsyncDirectory(root);
    }

    private static void fsyncDirectory(Path dir) {
        // Directory fsync makes the rename durable on Linux; other systems may refuse, which is fine.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not supported here: the data files themselves were forced already
        }
    }
}
