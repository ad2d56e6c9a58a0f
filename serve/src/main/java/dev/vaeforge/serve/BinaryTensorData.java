package dev.vaeforge.serve;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * The binary tensor data extension: after the JSON header of {@code Inference-Header-Content-Length}
 * bytes, the raw little-endian values of every input that declared {@code parameters.binary_data_size},
 * in the order of the inputs; sizes must match the shapes and the body must end with the last tensor.
 */
final class BinaryTensorData {
    private BinaryTensorData() {
    }

    /** Binary tensors follow the JSON header in the order of the inputs that declare binary_data_size. */
    static void read(List<RawInput> inputs, byte[] body, int at) {
        int pos = at;
        for (RawInput in : inputs) {
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
            long need = in.count() * 4 * (in.datatype.equals("INT64") ? 2 : 1);
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
                in.floats = new RawInput.FloatArray(n);
                b.asFloatBuffer().get(in.floats.data, 0, n);
                in.floats.size = n;
            } else {
                in.longs = new RawInput.LongArray(n);
                b.asLongBuffer().get(in.longs.data, 0, n);
                in.longs.size = n;
            }
            pos += (int) size;
        }
        if (pos != body.length) {
            throw HttpError.badRequest("the body has " + (body.length - pos) + " bytes after its tensors");
        }
    }
}
