package dev.vaeforge.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an Open Inference Protocol {@code /infer} body against the operation's {@link ServedModel.Signature}:
 * JSON tensors (flat or nested {@code data}), or the binary tensor data extension (a JSON header of
 * {@code Inference-Header-Content-Length} bytes followed by raw little-endian tensors). It streams the
 * numbers straight into primitive arrays (no JSON tree of a million nodes) and checks every input's name,
 * datatype, shape and values, so that a bad request is a 400 naming the field and never reaches ONNX Runtime.
 */
final class InferRequestReader {
    private static final JsonFactory JSON = JsonFactory.builder()
            // Python's json.dumps writes NaN and Infinity: read them so the answer can say which value it was
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1 << 20).build())
            .build();

    private final ServedModel.Signature signature;
    private final Map<String, TensorMeta> expected = new LinkedHashMap<>();

    InferRequestReader(ServedModel.Signature signature) {
        this.signature = signature;
        for (TensorMeta t : signature.inputs()) {
            expected.put(t.name(), t);
        }
    }

    /** One input while it is read. */
    private static final class Input {
        final int index;
        String name;
        String datatype;
        long[] shape;
        Long binarySize;
        FloatBuffer floats;
        LongBuffer longs;
        /** data that came before the name or datatype, kept as tokens until they are known */
        TokenBuffer pending;

        Input(int index) {
            this.index = index;
        }

        String label() {
            return name == null ? "inputs[" + index + "]" : "input '" + name + "'";
        }
    }

    /**
     * @param headerLength the {@code Inference-Header-Content-Length} (the JSON part of a body with binary
     *                     tensors), or -1 when the whole body is JSON
     */
    InferRequest read(byte[] body, int headerLength) {
        int jsonLength = headerLength < 0 ? body.length : headerLength;
        if (jsonLength > body.length) {
            throw HttpError.badRequest("Inference-Header-Content-Length " + headerLength + " is larger than the body ("
                    + body.length + " bytes)");
        }
        String id = null;
        List<Input> inputs = null;
        List<String> outputs = new ArrayList<>();
        List<Boolean> outputBinary = new ArrayList<>();
        boolean binaryAll = false;
        try (JsonParser p = JSON.createParser(body, 0, jsonLength)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, "the request body", "a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "id" -> {
                        expect(t, JsonToken.VALUE_STRING, "id", "a string");
                        id = p.getText();
                    }
                    case "parameters" -> binaryAll = readRequestParameters(p, t);
                    case "inputs" -> {
                        expect(t, JsonToken.START_ARRAY, "inputs", "an array of tensors");
                        inputs = new ArrayList<>();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            inputs.add(readInput(p, inputs.size()));
                        }
                    }
                    case "outputs" -> {
                        expect(t, JsonToken.START_ARRAY, "outputs", "an array of {\"name\": ...}");
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            readOutput(p, outputs, outputBinary);
                        }
                    }
                    default -> throw HttpError.badRequest("unknown field '" + field + "' in the request; expected id,"
                            + " parameters, inputs, outputs");
                }
            }
            if (p.nextToken() != null) {
                throw HttpError.badRequest("the request body has content after its JSON object");
            }
        } catch (InputCoercionException e) {
            throw HttpError.badRequest("a value does not fit in INT64: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw HttpError.badRequest("the request body is not valid JSON: " + e.getOriginalMessage()
                    + " (at byte " + e.getLocation().getByteOffset() + ")");
        } catch (IOException e) {
            throw HttpError.badRequest("the request body cannot be read: " + e.getMessage());
        }
        if (inputs == null) {
            throw HttpError.badRequest("inputs: missing; this operation takes " + describe(signature.inputs()));
        }
        readBinary(inputs, body, jsonLength);
        return finish(id, inputs, outputs, outputBinary, binaryAll);
    }

    private static boolean readRequestParameters(JsonParser p, JsonToken t) throws IOException {
        expect(t, JsonToken.START_OBJECT, "parameters", "an object");
        boolean binary = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken v = p.nextToken();
            if (k.equals("binary_data_output")) {
                binary = bool(v, "parameters.binary_data_output");
            } else {
                p.skipChildren(); // other parameters (priority, sequence ids...) do not apply here
            }
        }
        return binary;
    }

    private Input readInput(JsonParser p, int index) throws IOException {
        Input in = new Input(index);
        expect(p.currentToken(), JsonToken.START_OBJECT, "inputs[" + index + "]", "a tensor object");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "name" -> {
                    expect(t, JsonToken.VALUE_STRING, "inputs[" + index + "].name", "a string");
                    in.name = p.getText();
                    if (!expected.containsKey(in.name)) {
                        throw HttpError.badRequest("inputs[" + index + "].name: unknown input '" + clip(in.name) + "'; "
                                + signature.operation().key() + " takes " + describe(signature.inputs()));
                    }
                }
                case "datatype" -> {
                    expect(t, JsonToken.VALUE_STRING, in.label() + ".datatype", "a string");
                    in.datatype = p.getText();
                }
                case "shape" -> in.shape = readShape(p, t, in);
                case "parameters" -> {
                    expect(t, JsonToken.START_OBJECT, in.label() + ".parameters", "an object");
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String k = p.currentName();
                        JsonToken v = p.nextToken();
                        if (k.equals("binary_data_size")) {
                            expect(v, JsonToken.VALUE_NUMBER_INT, in.label() + ".parameters.binary_data_size", "an integer");
                            in.binarySize = p.getLongValue();
                        } else {
                            p.skipChildren();
                        }
                    }
                }
                case "data" -> {
                    if (in.name == null || in.datatype == null) {
                        in.pending = new TokenBuffer(p);
                        in.pending.copyCurrentStructure(p);
                    } else {
                        readData(p, t, in);
                    }
                }
                default -> throw HttpError.badRequest(in.label() + ": unknown field '" + clip(field)
                        + "'; a tensor has name, shape, datatype, parameters, data");
            }
        }
        if (in.name == null) {
            throw HttpError.badRequest("inputs[" + index + "].name: missing");
        }
        if (in.pending != null) {
            if (in.datatype == null) {
                throw HttpError.badRequest(in.label() + ".datatype: missing; expected " + expected.get(in.name).datatype());
            }
            try (JsonParser buffered = in.pending.asParserOnFirstToken()) {
                readData(buffered, buffered.currentToken(), in);
            }
            in.pending = null;
        }
        return in;
    }

    private static long[] readShape(JsonParser p, JsonToken t, Input in) throws IOException {
        expect(t, JsonToken.START_ARRAY, in.label() + ".shape", "an array of integers");
        long[] s = new long[8];
        int k = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p.currentToken(), JsonToken.VALUE_NUMBER_INT, in.label() + ".shape[" + k + "]", "an integer");
            if (k == 8) {
                throw HttpError.badRequest(in.label() + ".shape: more than 8 dimensions");
            }
            s[k++] = p.getLongValue();
        }
        return Arrays.copyOf(s, k);
    }

    private void readData(JsonParser p, JsonToken t, Input in) throws IOException {
        String where = in.label() + ".data";
        TensorMeta meta = expected.get(in.name);
        checkDatatype(in, meta);
        expect(t, JsonToken.START_ARRAY, where, "an array of numbers");
        long limit = in.shape == null ? Long.MAX_VALUE : count(in.shape, in);
        boolean fp32 = meta.datatype().equals("FP32");
        FloatBuffer f = fp32 ? new FloatBuffer() : null;
        LongBuffer l = fp32 ? null : new LongBuffer();
        int depth = 1;
        while (depth > 0) {
            JsonToken v = p.nextToken();
            if (v == JsonToken.START_ARRAY) {
                depth++;
            } else if (v == JsonToken.END_ARRAY) {
                depth--;
            } else {
                long at = fp32 ? f.size : l.size;
                if (at >= limit) {
                    throw HttpError.badRequest(where + ": more values than its shape " + Arrays.toString(in.shape)
                            + " holds (" + limit + ")");
                }
                if (fp32) {
                    if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
                        throw HttpError.badRequest(where + "[" + at + "]: " + p.getText() + " is not a number");
                    }
                    f.add(p.getFloatValue());
                } else {
                    if (v != JsonToken.VALUE_NUMBER_INT) {
                        throw HttpError.badRequest(where + "[" + at + "]: " + p.getText() + " is not an integer (datatype INT64)");
                    }
                    l.add(p.getLongValue());
                }
            }
        }
        in.floats = f;
        in.longs = l;
    }

    private static void readOutput(JsonParser p, List<String> names, List<Boolean> binary) throws IOException {
        int index = names.size();
        expect(p.currentToken(), JsonToken.START_OBJECT, "outputs[" + index + "]", "an object with a name");
        String name = null;
        Boolean bin = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (field.equals("name")) {
                expect(t, JsonToken.VALUE_STRING, "outputs[" + index + "].name", "a string");
                name = p.getText();
            } else if (field.equals("parameters")) {
                expect(t, JsonToken.START_OBJECT, "outputs[" + index + "].parameters", "an object");
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String k = p.currentName();
                    JsonToken v = p.nextToken();
                    if (k.equals("binary_data")) {
                        bin = bool(v, "outputs[" + index + "].parameters.binary_data");
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                throw HttpError.badRequest("outputs[" + index + "]: unknown field '" + clip(field) + "'; expected name, parameters");
            }
        }
        if (name == null) {
            throw HttpError.badRequest("outputs[" + index + "].name: missing");
        }
        names.add(name);
        binary.add(bin);
    }

    /** Binary tensors follow the JSON header in the order of the inputs that declare binary_data_size. */
    private static void readBinary(List<Input> inputs, byte[] body, int at) {
        int pos = at;
        for (Input in : inputs) {
            if (in.binarySize == null) {
                continue;
            }
            if (in.floats != null || in.longs != null) {
                throw HttpError.badRequest(in.label() + ": has both data and parameters.binary_data_size");
            }
            if (in.datatype == null || in.shape == null) {
                throw HttpError.badRequest(in.label() + ": a binary tensor needs its datatype and shape");
            }
            long size = in.binarySize;
            long need = count(in.shape, in) * 4 * (in.datatype.equals("INT64") ? 2 : 1);
            if (!in.datatype.equals("FP32") && !in.datatype.equals("INT64")) {
                continue; // checkDatatype names it below
            }
            if (size != need) {
                throw HttpError.badRequest(in.label() + ".parameters.binary_data_size: " + size + " bytes, but shape "
                        + Arrays.toString(in.shape) + " of " + in.datatype + " needs " + need);
            }
            if (pos + size > body.length) {
                throw HttpError.badRequest(in.label() + ": the body ends before its " + size + " bytes of binary data");
            }
            ByteBuffer b = ByteBuffer.wrap(body, pos, (int) size).order(ByteOrder.LITTLE_ENDIAN);
            int n = (int) (size / (in.datatype.equals("INT64") ? 8 : 4));
            if (in.datatype.equals("FP32")) {
                in.floats = new FloatBuffer(n);
                b.asFloatBuffer().get(in.floats.data, 0, n);
                in.floats.size = n;
            } else {
                in.longs = new LongBuffer(n);
                b.asLongBuffer().get(in.longs.data, 0, n);
                in.longs.size = n;
            }
            pos += (int) size;
        }
        if (pos != body.length) {
            throw HttpError.badRequest("the body has " + (body.length - pos) + " bytes after its tensors");
        }
    }

    private InferRequest finish(String id, List<Input> inputs, List<String> outputs, List<Boolean> outputBinary,
                                boolean binaryAll) {
        Map<String, Values> values = new LinkedHashMap<>();
        int n = -1;
        String first = null;
        for (Input in : inputs) {
            TensorMeta meta = expected.get(in.name);
            if (values.containsKey(in.name)) {
                throw HttpError.badRequest(in.label() + ": given twice");
            }
            if (in.datatype == null) {
                throw HttpError.badRequest(in.label() + ".datatype: missing; expected " + meta.datatype());
            }
            checkDatatype(in, meta);
            if (in.shape == null) {
                throw HttpError.badRequest(in.label() + ".shape: missing; expected " + shapeText(meta.shape()));
            }
            checkShape(in, meta);
            if (in.floats == null && in.longs == null) {
                throw HttpError.badRequest(in.label() + ".data: missing (give data, or parameters.binary_data_size"
                        + " with the binary tensor extension)");
            }
            long count = count(in.shape, in);
            long have = in.floats != null ? in.floats.size : in.longs.size;
            if (have != count) {
                throw HttpError.badRequest(in.label() + ".data: " + have + " values, but shape " + Arrays.toString(in.shape)
                        + " needs " + count);
            }
            int items = (int) in.shape[0];
            if (n >= 0 && items != n) {
                throw HttpError.badRequest(in.label() + ".shape: batch " + items + " differs from input '" + first
                        + "''s batch " + n + "; every input needs one row per item");
            }
            n = items;
            first = in.name;
            Values v = in.floats != null ? Values.ofFloats(in.floats.trimmed(), items, meta.itemShape())
                    : Values.ofLongs(in.longs.trimmed(), items, meta.itemShape());
            checkValues(in.label(), v, meta);
            values.put(in.name, v);
        }
        for (TensorMeta t : signature.inputs()) {
            if (!values.containsKey(t.name())) {
                throw HttpError.badRequest("inputs: missing input '" + t.name() + "' (" + t.datatype() + " "
                        + shapeText(t.shape()) + "); " + signature.operation().key() + " takes " + describe(signature.inputs()));
            }
        }
        List<String> names = new ArrayList<>();
        List<Boolean> binary = new ArrayList<>();
        Set<String> known = new HashSet<>();
        signature.outputs().forEach(o -> known.add(o.name()));
        if (outputs.isEmpty()) {
            signature.outputs().forEach(o -> {
                names.add(o.name());
                binary.add(binaryAll);
            });
        } else {
            for (int i = 0; i < outputs.size(); i++) {
                String o = outputs.get(i);
                if (!known.contains(o)) {
                    throw HttpError.badRequest("outputs[" + i + "].name: unknown output '" + clip(o) + "'; "
                            + signature.operation().key() + " gives " + describe(signature.outputs()));
                }
                if (names.contains(o)) {
                    throw HttpError.badRequest("outputs[" + i + "].name: '" + o + "' asked twice");
                }
                names.add(o);
                binary.add(outputBinary.get(i) == null ? binaryAll : outputBinary.get(i));
            }
        }
        return new InferRequest(id, values, n, names, binary);
    }

    private static void checkDatatype(Input in, TensorMeta meta) {
        if (!meta.datatype().equals(in.datatype)) {
            throw HttpError.badRequest(in.label() + ".datatype: got " + clip(in.datatype) + ", expected " + meta.datatype());
        }
    }

    private static void checkShape(Input in, TensorMeta meta) {
        long[] want = meta.shape();
        long[] got = in.shape;
        boolean ok = got.length == want.length && got[0] >= 1;
        for (int i = 1; ok && i < want.length; i++) {
            ok = got[i] == want[i];
        }
        if (!ok) {
            throw HttpError.badRequest(in.label() + ".shape: got " + Arrays.toString(got) + ", expected "
                    + shapeText(want) + " (N >= 1 items)");
        }
        if (got[0] > Integer.MAX_VALUE / Math.max(1, Values.perItem(meta.itemShape()))) {
            throw HttpError.badRequest(in.label() + ".shape: batch " + got[0] + " is too large");
        }
    }

    /** The first value that breaks the input's rule, as a 400 naming the input, the flat index and the value. */
    static void checkValues(String label, Values v, TensorMeta meta) {
        switch (meta.check()) {
            case PIXELS, UNIT, FINITE -> {
                float[] a = v.floats();
                boolean unit = meta.check() != TensorMeta.Check.FINITE;
                for (int i = 0; i < a.length; i++) {
                    float x = a[i];
                    if (Float.isNaN(x) || Float.isInfinite(x)) {
                        throw HttpError.badRequest(label + ".data[" + i + "]: " + x + " is not finite");
                    }
                    if (unit && (x < 0f || x > 1f)) {
                        throw HttpError.badRequest(label + ".data[" + i + "]: " + x + " is outside [0, 1]"
                                + (meta.check() == TensorMeta.Check.PIXELS ? " (pixels are in [0, 1])" : ""));
                    }
                }
            }
            case CODE -> {
                long[] a = v.longs();
                for (int i = 0; i < a.length; i++) {
                    if (a[i] < 0 || a[i] >= meta.limit()) {
                        throw HttpError.badRequest(label + ".data[" + i + "]: code " + a[i] + " is outside 0.."
                                + (meta.limit() - 1));
                    }
                }
            }
            case ANY_INTEGER -> {
                // every INT64 is a seed
            }
            default -> throw new IllegalStateException("check " + meta.check());
        }
    }

    private static long count(long[] shape, Input in) {
        long c = 1;
        for (long d : shape) {
            if (d < 0) {
                throw HttpError.badRequest(in.label() + ".shape: " + Arrays.toString(shape) + " has a negative dimension");
            }
            c = Math.multiplyExact(c, Math.min(d, Integer.MAX_VALUE));
            if (c > Integer.MAX_VALUE) {
                throw HttpError.badRequest(in.label() + ".shape: " + Arrays.toString(shape) + " is too large");
            }
        }
        return c;
    }

    private static void expect(JsonToken got, JsonToken want, String what, String expected) {
        if (got != want) {
            throw HttpError.badRequest(what + ": expected " + expected + ", got " + (got == null ? "nothing" : got.asString() == null
                    ? got.name().toLowerCase(java.util.Locale.ROOT) : got.asString()));
        }
    }

    private static boolean bool(JsonToken t, String what) {
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
            throw HttpError.badRequest(what + ": expected true or false");
        }
        return t == JsonToken.VALUE_TRUE;
    }

    static String shapeText(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i] < 0 ? "N" : String.valueOf(shape[i]));
        }
        return sb.append(']').toString();
    }

    static String describe(List<TensorMeta> tensors) {
        StringBuilder sb = new StringBuilder();
        for (TensorMeta t : tensors) {
            sb.append(sb.length() > 0 ? ", " : "").append(t.name()).append(' ').append(t.datatype()).append(' ')
                    .append(shapeText(t.shape()));
        }
        return sb.toString();
    }

    /** A client's string shown in a message, at most 64 characters. */
    static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }

    private static final class FloatBuffer {
        float[] data;
        int size;

        FloatBuffer() {
            this(64);
        }

        FloatBuffer(int capacity) {
            data = new float[Math.max(1, capacity)];
        }

        void add(float v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = v;
        }

        float[] trimmed() {
            return size == data.length ? data : Arrays.copyOf(data, size);
        }
    }

    private static final class LongBuffer {
        long[] data;
        int size;

        LongBuffer() {
            this(16);
        }

        LongBuffer(int capacity) {
            data = new long[Math.max(1, capacity)];
        }

        void add(long v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = v;
        }

        long[] trimmed() {
            return size == data.length ? data : Arrays.copyOf(data, size);
        }
    }
}
