package dev.vaeforge.runtime.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.vaeforge.runtime.onnx.proto.Onnx.ModelProto;
import dev.vaeforge.runtime.onnx.proto.Onnx.StringStringEntryProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading ONNX files into the proto subset, with errors that name the file. */
public final class OnnxModels {
    private OnnxModels() {
    }

    public static ModelProto parse(byte[] bytes, String source) {
        try {
            ModelProto m = ModelProto.parseFrom(bytes);
            if (!m.hasGraph() || m.getIrVersion() <= 0) {
                throw new IllegalArgumentException(source + " is not an ONNX model (no graph or IR version)");
            }
            return m;
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(source + " is not a valid ONNX model: " + e.getMessage(), e);
        }
    }

    public static ModelProto read(Path file) throws IOException {
        return parse(Files.readAllBytes(file), file.toString());
    }

    public static Map<String, String> metadata(ModelProto model) {
        Map<String, String> out = new LinkedHashMap<>();
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }
}
