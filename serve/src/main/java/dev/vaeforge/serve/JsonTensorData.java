package dev.vaeforge.serve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;

/**
 * An input's JSON {@code data}: a flat or nested row-major array of numbers, streamed into a primitive
 * array of the input's datatype (no JSON tree per value), never more values than its shape holds.
 */
final class JsonTensorData {
    private JsonTensorData() {
    }

    /** Reads the array at {@code t} into {@code in.floats} (FP32) or {@code in.longs} (INT64), as {@code meta} says. */
    static void read(JsonParser p, JsonToken t, RawInput in, TensorMeta meta) throws IOException {
        String where = in.label() + ".data";
        InferRequestChecks.checkDatatype(in, meta);
        InferRequestReader.expect(t, JsonToken.START_ARRAY, where, "an array of numbers");
        long limit = in.shape == null ? Long.MAX_VALUE : in.count();
        boolean fp32 = meta.datatype().equals("FP32");
        RawInput.FloatArray f = fp32 ? new RawInput.FloatArray() : null;
        RawInput.LongArray l = fp32 ? null : new RawInput.LongArray();
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
}
