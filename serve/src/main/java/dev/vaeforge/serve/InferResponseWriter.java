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
        List<Values> blobs = new ArrayList<>();
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
                    blobs.add(v);
                    g.writeObjectFieldStart("parameters");
                    g.writeNumberField("binary_data_size", byteSize(v));
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
        // one array of the final size: the header, then each tensor written straight into it
        int header = json.size();
        long size = header;
        for (Values v : blobs) {
            size += byteSize(v);
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
        out.put(json.toByteArray());
        for (Values v : blobs) {
            if (v.floats() != null) {
                out.asFloatBuffer().put(v.floats());
            } else {
                out.asLongBuffer().put(v.longs());
            }
            out.position(out.position() + byteSize(v));
        }
        return new Body(out.array(), header, true);
    }

    private static int byteSize(Values v) {
        return v.floats() != null ? v.floats().length * 4 : v.longs().length * 8;
    }
}
