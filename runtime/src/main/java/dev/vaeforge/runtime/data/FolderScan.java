package dev.vaeforge.runtime.data;

import dev.vaeforge.runtime.image.ImageFileType;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.TreeSet;

/**
 * Finds the image files under a folder: recursive, symbolic links followed (loops skipped), hidden
 * files and folders (name starting with a dot, e.g. macOS {@code ._x.jpg} resource forks) left out,
 * selected by extension, sorted by relative path compared as plain strings with {@code /} separators,
 * so the order is the same on every machine and file system.
 */
final class FolderScan {
    /** One image file: where it is and what identifies its content for the fingerprint. */
    record Entry(Path file, String relative, long size, long modifiedMillis) {
    }

    final List<Entry> images;
    final int otherFiles;
    /** Up to five other file names, for the "no images found" message. */
    final List<String> otherExamples;

    private FolderScan(List<Entry> images, int otherFiles, List<String> otherExamples) {
        this.images = images;
        this.otherFiles = otherFiles;
        this.otherExamples = otherExamples;
    }

    static FolderScan of(Path root) throws IOException {
        if (!Files.exists(root)) {
            throw new NoSuchFileException(root.toString(), null, "dataset folder does not exist");
        }
        if (!Files.isDirectory(root)) {
            throw new IOException(root + ": is a file, not a directory; a folder dataset needs a directory of images");
        }
        List<Entry> images = new ArrayList<>();
        TreeSet<String> examples = new TreeSet<>();
        int[] others = {0};
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        return !dir.equals(root) && hidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (!attrs.isRegularFile() || hidden(file)) {
                            return FileVisitResult.CONTINUE;
                        }
                        String relative = relative(root, file);
                        if (ImageFileType.byExtension(file.getFileName().toString()).isPresent()) {
                            images.add(new Entry(file, relative, attrs.size(), attrs.lastModifiedTime().toMillis()));
                        } else {
                            others[0]++;
                            if (examples.size() < 5) {
                                examples.add(relative);
                            }
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                        if (e instanceof FileSystemLoopException) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw new IOException(file + ": cannot be listed (" + e.getMessage() + ")", e);
                    }
                });
        images.sort(Comparator.comparing(Entry::relative));
        return new FolderScan(List.copyOf(images), others[0], List.copyOf(examples));
    }

    private static boolean hidden(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    private static String relative(Path root, Path file) {
        Path rel = root.relativize(file);
        StringBuilder sb = new StringBuilder();
        for (Path part : rel) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }
}
