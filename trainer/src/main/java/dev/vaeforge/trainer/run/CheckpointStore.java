package dev.vaeforge.trainer.run;

import ai.djl.Model;
import dev.vaeforge.runtime.io.AtomicFiles;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.trainer.train.EpochMetrics;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Writes checkpoints so that a crash can never leave a half-written one: each is assembled in a
 * hidden temporary sibling ({@code .tmp-epoch-0001-...}), every file is forced to disk, and the
 * directory is renamed into place with ATOMIC_MOVE. Only {@code epoch-NNNN} directories count as
 * checkpoints. Keeps the newest {@code keep} checkpoints plus the best by test loss; a pruned one is
 * first renamed to a hidden name, so an interrupted deletion is not mistaken for a checkpoint either.
 */
public final class CheckpointStore {
    private final Path dir;
    private final int keep;

    /** Opens RUN/checkpoints for writing, creating it and removing leftovers of interrupted writes. */
    public CheckpointStore(Path runDir, int keep) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("must keep at least one checkpoint, got " + keep);
        }
        this.dir = runDir.resolve(RunLayout.CHECKPOINTS);
        this.keep = keep;
        Files.createDirectories(dir);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.startsWith(RunLayout.TMP_PREFIX) || n.startsWith(RunLayout.TRASH_PREFIX)) {
                    AtomicFiles.deleteTree(p);
                }
            }
        }
    }

    /**
     * Saves the model's parameters and the epoch's metrics as {@code epoch-NNNN}, then prunes.
     * The model's name is the parameter file prefix ("vae" gives vae-0001.params).
     */
    public Checkpoint save(Model model, EpochMetrics metrics) throws IOException {
        int epoch = metrics.epoch();
        String name = RunLayout.checkpointName(epoch);
        Path target = dir.resolve(name);
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "a checkpoint for epoch " + epoch + " exists");
        }
        Path tmp = dir.resolve(RunLayout.TMP_PREFIX + name + "-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            model.setProperty("Epoch", Integer.toString(epoch));
            model.save(tmp, model.getName());
            Path params = tmp.resolve(paramsName(model.getName(), epoch));
            if (!Files.isRegularFile(params)) {
                throw new IOException("DJL did not write the expected parameter file " + params);
            }
            AtomicFiles.fsync(params);
            CheckpointInfo info = new CheckpointInfo(RunLayout.FORMAT_VERSION, epoch, metrics.step(),
                    params.getFileName().toString(), Hashing.sha256(params), Files.size(params), metrics,
                    Instant.now().toString());
            Path json = tmp.resolve(RunLayout.CHECKPOINT_INFO);
            Files.writeString(json, Json.write(info));
            AtomicFiles.fsync(json);
            AtomicFiles.fsyncDirectory(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDirectory(dir);
            Checkpoint saved = new Checkpoint(target, info);
            prune();
            return saved;
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
    }

    static String paramsName(String modelName, int epoch) {
        return modelName + "-" + RunLayout.checkpointName(epoch).substring(6) + ".params";
    }

    /** Deletes all but the newest {@code keep} and the best checkpoint; returns the deleted ones. */
    public List<Checkpoint> prune() throws IOException {
        List<Checkpoint> all = list(dir.getParent());
        Set<Path> kept = new HashSet<>();
        for (int i = Math.max(0, all.size() - keep); i < all.size(); i++) {
            kept.add(all.get(i).directory());
        }
        best(all).ifPresent(b -> kept.add(b.directory()));
        List<Checkpoint> removed = new ArrayList<>();
        for (Checkpoint c : all) {
            if (!kept.contains(c.directory())) {
                Path trash = dir.resolve(RunLayout.TRASH_PREFIX + c.directory().getFileName() + "-" + UUID.randomUUID());
                Files.move(c.directory(), trash, StandardCopyOption.ATOMIC_MOVE);
                AtomicFiles.deleteTree(trash);
                removed.add(c);
            }
        }
        if (!removed.isEmpty()) {
            AtomicFiles.fsyncDirectory(dir);
        }
        return removed;
    }

    /** The checkpoint with the lowest test loss; the later one on a tie. */
    public static Optional<Checkpoint> best(List<Checkpoint> checkpoints) {
        return checkpoints.stream().filter(c -> !Double.isNaN(c.metrics().testLoss()))
                .min(Comparator.comparingDouble((Checkpoint c) -> c.metrics().testLoss())
                        .thenComparing(Comparator.comparingInt(Checkpoint::epoch).reversed()));
    }

    /**
     * The complete checkpoints of a run, oldest first. Reads each checkpoint.json but does not hash
     * the parameter files ({@link RunDirectory#open} does).
     *
     * @throws InvalidRunException for an epoch directory without a readable checkpoint.json
     */
    public static List<Checkpoint> list(Path runDir) throws IOException {
        Path dir = runDir.resolve(RunLayout.CHECKPOINTS);
        List<Checkpoint> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                int epoch = RunLayout.epochOf(p.getFileName().toString());
                if (epoch < 0 || !Files.isDirectory(p)) {
                    continue;
                }
                Path json = p.resolve(RunLayout.CHECKPOINT_INFO);
                if (!Files.isRegularFile(json)) {
                    throw new InvalidRunException(json + " is missing; every " + RunLayout.CHECKPOINTS
                            + "/epoch-NNNN directory must hold a checkpoint.json (vaeforge never leaves one without)");
                }
                CheckpointInfo info;
                try {
                    info = Json.read(json, CheckpointInfo.class);
                } catch (IOException e) {
                    throw new InvalidRunException("corrupt checkpoint: " + e.getMessage(), e);
                }
                if (info.formatVersion() > RunLayout.FORMAT_VERSION) {
                    throw new InvalidRunException(json + " has formatVersion " + info.formatVersion()
                            + "; this vaeforge reads version " + RunLayout.FORMAT_VERSION + " at most, use a newer vaeforge");
                }
                String params = info.params();
                if (params == null || params.isEmpty() || params.contains("/") || params.contains("\\")
                        || params.startsWith(".")) {
                    throw new InvalidRunException(json + " names parameter file '" + params + "'; expected a plain"
                            + " file name inside " + p);
                }
                if (info.epoch() != epoch) {
                    throw new InvalidRunException(json + " says epoch " + info.epoch() + ", expected " + epoch
                            + " from its directory name");
                }
                out.add(new Checkpoint(p, info));
            }
        }
        out.sort(Comparator.comparingInt(Checkpoint::epoch));
        return out;
    }
}
