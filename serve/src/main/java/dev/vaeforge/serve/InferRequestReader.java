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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an Open Inference Protocol {@code /infer} body against the operation's {@link ServedModel.Signature}:
 * JSON tensors (flat or nested {@code data}, {@link JsonTensorData}), or the binary tensor data extension
 * (a JSON header of {@code Inference-Header-Content-Length} bytes followed by raw little-endian tensors,
 * {@link BinaryTensorData}). This class reads the JSON header's structure; {@link InferRequestChecks} then
 * checks every input's name, datatype, shape and values, so that a bad request is a 400 naming the field
 * and never reaches ONNX Runtime.
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
        List<RawInput> inputs = null;
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
            throw HttpError.badRequest("inputs: missing; this operation takes " + InferRequestChecks.describe(signature.inputs()));
        }
        BinaryTensorData.read(inputs, body, jsonLength);
        return new InferRequestChecks(signature, expected).finish(id, inputs, outputs, outputBinary, binaryAll);
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

    private RawInput readInput(JsonParser p, int index) throws IOException {
        RawInput in = new RawInput(index);
        expect(p.currentToken(), JsonToken.START_OBJECT, "inputs[" + index + "]", "a tensor object");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "name" -> {
                    expect(t, JsonToken.VALUE_STRING, "inputs[" + index + "].name", "a string");
                    in.name = p.getText();
                    if (!expected.containsKey(in.name)) {
                        throw HttpError.badRequest("inputs[" + index + "].name: unknown input '" + InferRequestChecks.clip(in.name) + "'; "
                                + signature.operation().key() + " takes " + InferRequestChecks.describe(signature.inputs()));
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
                        JsonTensorData.read(p, t, in, expected.get(in.name));
                    }
                }
                default -> throw HttpError.badRequest(in.label() + ": unknown field '" + InferRequestChecks.clip(field)
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
                JsonTensorData.read(buffered, buffered.currentToken(), in, expected.get(in.name));
            }
            in.pending = null;
        }
        return in;
    }

    private static long[] readShape(JsonParser p, JsonToken t, RawInput in) throws IOException {
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
                throw HttpError.badRequest("outputs[" + index + "]: unknown field '" + InferRequestChecks.clip(field) + "'; expected name, parameters");
            }
        }
        if (name == null) {
            throw HttpError.badRequest("outputs[" + index + "].name: missing");
        }
        names.add(name);
        binary.add(bin);
    }

    static void expect(JsonToken got, JsonToken want, String what, String expected) {
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

}
