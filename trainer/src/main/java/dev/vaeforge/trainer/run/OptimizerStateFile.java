package dev.vaeforge.trainer.run;

import dev.vaeforge.trainer.train.ResumableAdam;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code optimizer.bin}: Adam's per-parameter moments and step counts, big-endian. Layout: the
 * magic "VFADAM", int version (1), int slot count, then per slot: parameter name (modified UTF-8),
 * int update count, int rank, long[rank] shape, int n, float[n] first moment, float[n] second moment.
 * The learning rate and the global step count are in checkpoint.json ({@link TrainingState.Optimizer}).
 */
final class OptimizerStateFile {
    private static final byte[] MAGIC = "VFADAM".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    private OptimizerStateFile() {
    }

    static void write(Path file, List<ResumableAdam.SlotState> slots) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(slots.size());
            for (ResumableAdam.SlotState s : slots) {
                out.writeUTF(s.parameter());
                out.writeInt(s.count());
                out.writeInt(s.shape().length);
                for (long d : s.shape()) {
                    out.writeLong(d);
                }
                out.writeInt(s.mean().length);
                for (float f : s.mean()) {
                    out.writeFloat(f);
                }
                for (float f : s.variance()) {
                    out.writeFloat(f);
                }
            }
        }
    }

    static List<ResumableAdam.SlotState> read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new InvalidRunException(file + " is not an optimiser state file (expected it to start with VFADAM)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new InvalidRunException(file + " has optimiser state version " + version + ", expected " + VERSION);
            }
            int n = in.readInt();
            List<ResumableAdam.SlotState> slots = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                int count = in.readInt();
                int rank = in.readInt();
                if (rank < 0 || rank > 8) {
                    throw new InvalidRunException(file + ": slot '" + name + "' has rank " + rank + ", expected 0..8");
                }
                long[] shape = new long[rank];
                for (int d = 0; d < rank; d++) {
                    shape[d] = in.readLong();
                }
                int size = in.readInt();
                if (size < 0 || size > (1 << 28)) {
                    throw new InvalidRunException(file + ": slot '" + name + "' claims " + size + " values");
                }
                float[] mean = new float[size];
                float[] variance = new float[size];
                for (int k = 0; k < size; k++) {
                    mean[k] = in.readFloat();
                }
                for (int k = 0; k < size; k++) {
                    variance[k] = in.readFloat();
                }
                slots.add(new ResumableAdam.SlotState(name, count, shape, mean, variance));
            }
            if (in.read() != -1) {
                throw new InvalidRunException(file + " has bytes after its last slot");
            }
            return slots;
        } catch (EOFException e) {
            throw new InvalidRunException(file + " is truncated", e);
        }
    }
}
