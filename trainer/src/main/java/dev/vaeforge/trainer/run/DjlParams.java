package dev.vaeforge.trainer.run;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a parameter file written by DJL's {@code Model.save} (format 1: "DJL@", version, model name,
 * data type, input descriptions, properties, then the block's parameters) into a block, with the
 * arrays attached to a caller's manager. {@code Model.load} cannot do that: it ties the parameters
 * to a Model of its own.
 */
final class DjlParams {
    private static final int MODEL_FORMAT = 1;

    private DjlParams() {
    }

    static void load(Path file, Block block, NDManager manager) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            byte[] magic = new byte[4];
            in.readFully(magic);
            if (!"DJL@".equals(new String(magic, StandardCharsets.US_ASCII))) {
                throw new InvalidRunException(file + " is not a DJL parameter file (expected it to start with DJL@)");
            }
            int version = in.readInt();
            if (version != MODEL_FORMAT) {
                throw new InvalidRunException(file + " has DJL model format " + version + ", expected " + MODEL_FORMAT);
            }
            in.readUTF(); // model name
            DataType type = DataType.valueOf(in.readUTF());
            if (type != DataType.FLOAT32) {
                throw new InvalidRunException(file + " holds " + type + " parameters, expected FLOAT32");
            }
            int inputs = in.readInt();
            for (int i = 0; i < inputs; i++) {
                in.readUTF();
                Shape.decode(in);
            }
            int props = in.readInt();
            for (int i = 0; i < props; i++) {
                in.readUTF();
                in.readUTF();
            }
            block.loadParameters(manager, in);
            if (in.read() != -1) {
                throw new InvalidRunException(file + " has bytes after the last parameter; it does not belong to"
                        + " this model configuration");
            }
        } catch (MalformedModelException | IllegalArgumentException e) {
            throw new InvalidRunException(file + " does not match the run's model configuration: " + e.getMessage(), e);
        }
    }
}
