package dev.vaeforge.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code /infer} response: {@code model_name}, {@code model_version}, {@code id} and each output as
 * {@code name, datatype, shape, data}; outputs asked for in binary follow the JSON header as raw
 * little-endian bytes (binary tensor data extension), with {@code parameters.binary_data_size}.
 */
final class InferResponseWriter {
    private static final JsonFactory JSON = new JsonFactory();

    /** The response body and, with binary outputs, the length of its JSON header. */
    record Body(byte[] bytes, int headerLength, boolean binary) {
    }

    private InferResponseWriter() {
    }

    static Body write(String model, Operation op, InferRequest request, Map<String, Values> outputs) {
        ByteArrayOutputStream json = new ByteArrayOutputStream(1024);
        List<byte[]> blobs = new ArrayList<>();
        try (JsonGenerator g = JSON.createGenerator(json)) {
            g.writeStartObject();
            g.writeStringField("model_name", model);
            g.writeStringField("model_version", op.key());
            if (request.id() != null) {
                g.writeStringField("id", request.id());
            }
            g.writeArrayFieldStart("outputs");
            for (int i = 0; i < request.outputs().size(); i++) {
                String name = request.outputs().get(i);
                Values v = outputs.get(name);
                g.writeStartObject();
                g.writeStringField("name", name);
                g.writeStringField("datatype", v.datatype());
                g.writeArrayFieldStart("shape");
                for (long d : v.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                if (request.binaryOutputs().get(i)) {
                    byte[] blob = bytes(v);
                    blobs.add(blob);
                    g.writeObjectFieldStart("parameters");
                    g.writeNumberField("binary_data_size", blob.length);
                    g.writeEndObject();
                } else {
                    g.writeArrayFieldStart("data");
                    if (v.floats() != null) {
                        for (float f : v.floats()) {
                            g.writeNumber(f);
                        }
                    } else {
                        for (long l : v.longs()) {
                            g.writeNumber(l);
                        }
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (blobs.isEmpty()) {
            return new Body(json.toByteArray(), -1, false);
        }
        int header = json.size();
        for (byte[] b : blobs) {
            json.writeBytes(b);
        }
        return new Body(json.toByteArray(), header, true);
    }

    static byte[] bytes(Values v) {
        if (v.floats() != null) {
            ByteBuffer b = ByteBuffer.allocate(v.floats().length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v.floats());
            return b.array();
        }
        ByteBuffer b = ByteBuffer.allocate(v.longs().length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(v.longs());
        return b.array();
    }
}
