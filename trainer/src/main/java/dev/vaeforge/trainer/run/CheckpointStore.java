package dev.vaeforge.trainer.run;

import ai.djl.Model;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.vaeforge.runtime.Json;
import dev.vaeforge.runtime.io.AtomicFiles;
import dev.vaeforge.runtime.io.Hashing;
import dev.vaeforge.trainer.train.EpochMetrics;
import dev.vaeforge.trainer.train.NumericalFaultException;
import dev.vaeforge.trainer.train.SessionSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Writes checkpoints so that a crash can never leave a half-written one: each is assembled in a
 * hidden temporary sibling ({@code .tmp-epoch-0001-...}), every file is forced to disk,
 * {@code checkpoint.sha256} (the hash of checkpoint.json, which holds the hashes of the other files)
 * is written last, and the directory is renamed into place with ATOMIC_MOVE. Only directories named
 * like checkpoints ({@link RunLayout#positionOf}) count. Keeps the newest {@code keep} checkpoints
 * plus the best by test loss; a pruned one is first renamed to a hidden name, so an interrupted
 * deletion is not mistaken for a checkpoint either. Weights with a NaN or an infinity are never written.
 */
public final class CheckpointStore {
    private final Path dir;
    private final int keep;

    /** A checkpoint directory as found on disk: readable and verified, or not, with the reason. */
    public record Scanned(Path directory, RunLayout.Position position, Checkpoint checkpoint, String problem) {
        public boolean ok() {
            return problem == null;
        }
    }

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
     * Saves a complete checkpoint: weights, Adam's moments and the training state, then prunes.
     *
     * @param snapshot the session's state, taken right before this call (the weights file is written
     *     from the model, which holds the same values)
     * @param metrics the finished epoch's metrics for a checkpoint at an epoch's end, else null
     * @throws NumericalFaultException if a weight or a moment is NaN or infinite; nothing is written
     */
    public Checkpoint save(Model model, SessionSnapshot snapshot, TrainingState state, EpochMetrics metrics)
            throws IOException {
        RunLayout.Position pos = new RunLayout.Position(state.position().completedEpochs(), state.position().batchesDone());
        if (pos.completedEpochs() < 1 && pos.batchesDone() < 1) {
            throw new IllegalArgumentException("a checkpoint before the first step is not written (position " + pos + ")");
        }
        Optional<String> bad = snapshot.firstNonFinite();
        if (bad.isPresent()) {
            throw new NumericalFaultException(null, "refusing to write checkpoint " + pos.directoryName() + ": "
                    + bad.get() + "; NaN or infinite weights never reach a checkpoint");
        }
        return write(model, pos, state.position().globalStep(), metrics, snapshot, state);
    }

    /** A weights-only checkpoint at the end of {@code metrics.epoch()} (tests of the store itself). */
    Checkpoint save(Model model, EpochMetrics metrics) throws IOException {
        return write(model, new RunLayout.Position(metrics.epoch(), 0), metrics.step(), metrics, null, null);
    }

    private Checkpoint write(Model model, RunLayout.Position pos, long step, EpochMetrics metrics,
                             SessionSnapshot snapshot, TrainingState state) throws IOException {
        String name = pos.directoryName();
        Path target = dir.resolve(name);
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "a checkpoint " + name + " exists");
        }
        if (snapshot == null) {
            checkFinite(model, name);
        }
        Path tmp = dir.resolve(RunLayout.TMP_PREFIX + name + "-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            model.setProperty("Epoch", Integer.toString(pos.completedEpochs()));
            model.save(tmp, model.getName());
            Path written = tmp.resolve(String.format(Locale.ROOT, "%s-%04d.params", model.getName(), pos.completedEpochs()));
            if (!Files.isRegularFile(written)) {
                throw new IOException("DJL did not write the expected parameter file " + written);
            }
            Path params = tmp.resolve(model.getName() + ".params");
            Files.move(written, params);
            AtomicFiles.fsync(params);
            Map<String, CheckpointInfo.FileDigest> files = null;
            if (snapshot != null) {
                Path opt = tmp.resolve(RunLayout.OPTIMIZER);
                OptimizerStateFile.write(opt, snapshot.optimizer().slots());
                AtomicFiles.fsync(opt);
                files = new LinkedHashMap<>();
                files.put(RunLayout.OPTIMIZER, new CheckpointInfo.FileDigest(Hashing.sha256(opt), Files.size(opt)));
            }
            CheckpointInfo info = new CheckpointInfo(RunLayout.FORMAT_VERSION, pos.completedEpochs(), pos.batchesDone(),
                    step, params.getFileName().toString(), Hashing.sha256(params), Files.size(params), metrics,
                    Instant.now().toString(), files, state);
            byte[] json = Json.write(info).getBytes(StandardCharsets.UTF_8);
            Path jsonFile = tmp.resolve(RunLayout.CHECKPOINT_INFO);
            Files.write(jsonFile, json);
            AtomicFiles.fsync(jsonFile);
            Path sum = tmp.resolve(RunLayout.CHECKPOINT_SUM);
            Files.writeString(sum, Hashing.sha256(json) + "  " + RunLayout.CHECKPOINT_INFO + "\n", StandardCharsets.UTF_8);
            AtomicFiles.fsync(sum);
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

    private static void checkFinite(Model model, String name) {
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            float[] v = p.getValue().getArray().toFloatArray();
            for (float f : v) {
                if (!Float.isFinite(f)) {
                    throw new NumericalFaultException(null, "refusing to write checkpoint " + name + ": parameter '"
                            + p.getKey() + "' holds " + f + "; NaN or infinite weights never reach a checkpoint");
                }
            }
        }
    }

    /** Deletes all but the newest {@code keep} and the best checkpoint; returns the deleted ones. */
    public List<Checkpoint> prune() throws IOException {
        List<Checkpoint> all = new ArrayList<>();
        for (Scanned s : scan(dir.getParent(), false)) {
            if (s.ok()) {
                all.add(s.checkpoint());
            }
        }
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

    /** The checkpoint with the lowest test loss; the later one on a tie. Checkpoints inside an epoch have none. */
    public static Optional<Checkpoint> best(List<Checkpoint> checkpoints) {
        return checkpoints.stream().filter(c -> c.metrics() != null && !Double.isNaN(c.metrics().testLoss()))
                .min(Comparator.comparingDouble((Checkpoint c) -> c.metrics().testLoss())
                        .thenComparing(Comparator.comparing(Checkpoint::position).reversed()));
    }

    /**
     * The complete checkpoints of a run, oldest first. Reads each checkpoint.json but does not hash
     * the files ({@link #verify} does).
     *
     * @throws InvalidRunException for a checkpoint directory without a readable checkpoint.json
     */
    public static List<Checkpoint> list(Path runDir) throws IOException {
        List<Checkpoint> out = new ArrayList<>();
        for (Map.Entry<Path, RunLayout.Position> e : directories(runDir)) {
            out.add(read(e.getKey(), e.getValue()));
        }
        return out;
    }

    /**
     * Every checkpoint directory of a run, oldest first, each read and, with {@code verify}, checked
     * against its hashes; problems are reported per directory instead of thrown.
     */
    public static List<Scanned> scan(Path runDir, boolean verify) throws IOException {
        List<Scanned> out = new ArrayList<>();
        for (Map.Entry<Path, RunLayout.Position> e : directories(runDir)) {
            try {
                Checkpoint c = read(e.getKey(), e.getValue());
                if (verify) {
                    verify(c);
                }
                out.add(new Scanned(e.getKey(), e.getValue(), c, null));
            } catch (InvalidRunException ex) {
                out.add(new Scanned(e.getKey(), e.getValue(), null, ex.getMessage()));
            }
        }
        return out;
    }

    private static List<Map.Entry<Path, RunLayout.Position>> directories(Path runDir) throws IOException {
        Path dir = runDir.resolve(RunLayout.CHECKPOINTS);
        List<Map.Entry<Path, RunLayout.Position>> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                RunLayout.Position pos = RunLayout.positionOf(p.getFileName().toString());
                if (pos != null && Files.isDirectory(p)) {
                    out.add(Map.entry(p, pos));
                }
            }
        }
        out.sort(Map.Entry.comparingByValue());
        return out;
    }

    private static Checkpoint read(Path p, RunLayout.Position pos) throws InvalidRunException {
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
        if (!plainName(params)) {
            throw new InvalidRunException(json + " names parameter file '" + params + "'; expected a plain"
                    + " file name inside " + p);
        }
        if (info.epoch() != pos.completedEpochs()) {
            throw new InvalidRunException(json + " says epoch " + info.epoch() + ", expected " + pos.completedEpochs()
                    + " from its directory name");
        }
        if (info.batch() != pos.batchesDone()) {
            throw new InvalidRunException(json + " says batch " + info.batch() + ", expected " + pos.batchesDone()
                    + " from its directory name");
        }
        if (info.files() != null) {
            for (String f : info.files().keySet()) {
                if (!plainName(f)) {
                    throw new InvalidRunException(json + " lists file '" + f + "'; expected a plain file name inside " + p);
                }
            }
        }
        return new Checkpoint(p, info);
    }

    private static boolean plainName(String name) {
        return name != null && !name.isEmpty() && !name.contains("/") && !name.contains("\\") && !name.startsWith(".")
                && !name.contains("\0");
    }

    /**
     * Checks a checkpoint against its hashes: checkpoint.json against checkpoint.sha256 (format 2),
     * the parameter file and every other listed file against checkpoint.json.
     *
     * @throws InvalidRunException naming the file and what was expected
     */
    public static void verify(Checkpoint c) throws IOException {
        Path json = c.directory().resolve(RunLayout.CHECKPOINT_INFO);
        Path sum = c.directory().resolve(RunLayout.CHECKPOINT_SUM);
        if (Files.isRegularFile(sum) || c.info().formatVersion() >= 2) {
            if (!Files.isRegularFile(sum)) {
                throw new InvalidRunException(sum + " is missing; a format-2 checkpoint is complete only with it");
            }
            String recorded = Files.readString(sum, StandardCharsets.UTF_8).trim().split("\\s+")[0];
            String actual = Hashing.sha256(json);
            if (!actual.equalsIgnoreCase(recorded)) {
                throw new InvalidRunException(json + " has sha256 " + actual + " but " + RunLayout.CHECKPOINT_SUM
                        + " records " + recorded + "; the file is corrupt or was changed after training");
            }
        }
        Path params = c.paramsFile();
        if (!Files.isRegularFile(params)) {
            throw new InvalidRunException(params + " is missing; " + json + " lists it as the checkpoint's parameter file");
        }
        checkHash(params, c.info().paramsSha256());
        if (c.info().files() != null) {
            for (Map.Entry<String, CheckpointInfo.FileDigest> f : c.info().files().entrySet()) {
                Path file = c.directory().resolve(f.getKey());
                if (!Files.isRegularFile(file)) {
                    throw new InvalidRunException(file + " is missing; " + json + " lists it");
                }
                checkHash(file, f.getValue().sha256());
            }
        }
    }

    private static void checkHash(Path file, String expected) throws IOException {
        String actual = Hashing.sha256(file);
        if (!actual.equalsIgnoreCase(expected)) {
            throw new InvalidRunException(file + " has sha256 " + actual + " but checkpoint.json expects " + expected
                    + "; the file is corrupt or was changed after training");
        }
    }

    /**
     * Renames a checkpoint that cannot be used to {@code corrupt-<name>}: kept for inspection, no
     * longer a checkpoint, and out of the way of the one the resumed run will write in its place.
     */
    public static Path quarantine(Path checkpointDir) throws IOException {
        Path parent = checkpointDir.getParent();
        String base = RunLayout.CORRUPT_PREFIX + checkpointDir.getFileName();
        Path target = parent.resolve(base);
        for (int i = 2; Files.exists(target); i++) {
            target = parent.resolve(base + "-" + i);
        }
        Files.move(checkpointDir, target, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsyncDirectory(parent);
        return target;
    }
}
