package dev.vaeforge.serve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks what {@link InferRequestReader} read against the operation's {@link ServedModel.Signature}: every
 * input present once with the metadata's datatype and shape, one batch size for all, each value within
 * its rule (finite, in [0, 1], a valid code), the outputs asked for known; the result is an
 * {@link InferRequest}. A failure is a 400 naming the field. Also the texts these messages share.
 */
final class InferRequestChecks {
    private final ServedModel.Signature signature;
    private final Map<String, TensorMeta> expected;

    InferRequestChecks(ServedModel.Signature signature, Map<String, TensorMeta> expected) {
        this.signature = signature;
        this.expected = expected;
    }

    InferRequest finish(String id, List<RawInput> inputs, List<String> outputs, List<Boolean> outputBinary,
                                boolean binaryAll) {
        Map<String, Values> values = new LinkedHashMap<>();
        int n = -1;
        String first = null;
        for (RawInput in : inputs) {
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
            long count = in.count();
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

    static void checkDatatype(RawInput in, TensorMeta meta) {
        if (!meta.datatype().equals(in.datatype)) {
            throw HttpError.badRequest(in.label() + ".datatype: got " + clip(in.datatype) + ", expected " + meta.datatype());
        }
    }

    private static void checkShape(RawInput in, TensorMeta meta) {
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
}
