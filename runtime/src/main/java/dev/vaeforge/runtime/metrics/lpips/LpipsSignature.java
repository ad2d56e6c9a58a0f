package dev.vaeforge.runtime.metrics.lpips;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.ImageShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The checked signature of an LPIPS graph, read from ONNX Runtime's view of it (not from file names
 * or metadata, which an exporter may get wrong). A graph is accepted when it has exactly two float32
 * inputs {@code [N,3,H,W]} and one float32 output {@code [N,1,1,1]} or {@code [N]}, N dynamic
 * everywhere; H and W may be fixed, and are then checked against the images in {@link #check}.
 * Output dimensions after N may also be dynamic (exporters do not always infer them); the element
 * count is checked after each run instead.
 */
record LpipsSignature(String file, String inputA, long[] shapeA, String inputB, long[] shapeB, String output) {
    static final String EXPECTED_INPUTS = "2 float32 inputs [N,3,H,W]";
    static final String EXPECTED_OUTPUT = "1 float32 output [N,1,1,1] or [N]";

    /** Reads the signature from ORT's input and output info (both in graph order), or refuses it. */
    static LpipsSignature of(String file, Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {
        List<NodeInfo> in = new ArrayList<>(inputs.values());
        List<NodeInfo> out = new ArrayList<>(outputs.values());
        if (in.size() != 2 || !in.stream().allMatch(LpipsSignature::isImageInput)) {
            throw refused(file, EXPECTED_INPUTS, in, "");
        }
        if (!in.stream().allMatch(n -> shape(n)[0] < 0)) {
            throw refused(file, EXPECTED_INPUTS, in,
                    "; the batch dimension N must be dynamic (torch.onnx.export with dynamic_axes on dimension 0)");
        }
        if (out.size() != 1 || !isDistanceOutput(out.get(0))) {
            throw refused(file, EXPECTED_OUTPUT, out, "");
        }
        return new LpipsSignature(file, in.get(0).getName(), shape(in.get(0)), in.get(1).getName(), shape(in.get(1)),
                out.get(0).getName());
    }

    /** Refuses images whose height or width differ from a graph input's fixed ones. */
    void check(ImageShape images) {
        checkInput(inputA, shapeA, images);
        checkInput(inputB, shapeB, images);
    }

    private void checkInput(String name, long[] shape, ImageShape images) {
        if ((shape[2] >= 0 && shape[2] != images.height()) || (shape[3] >= 0 && shape[3] != images.width())) {
            throw new VaeforgeException(VaeforgeException.Code.BAD_INPUT, file + ": input " + name
                    + " expects images of " + dim(shape[2]) + "x" + dim(shape[3]) + " (height x width), found "
                    + images.height() + "x" + images.width());
        }
    }

    private static boolean isImageInput(NodeInfo n) {
        return n.getInfo() instanceof TensorInfo t && t.type == OnnxJavaType.FLOAT && t.getShape().length == 4
                && t.getShape()[1] == 3;
    }

    private static boolean isDistanceOutput(NodeInfo n) {
        if (!(n.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT) {
            return false;
        }
        long[] s = t.getShape();
        if (s.length != 1 && s.length != 4) {
            return false;
        }
        for (int i = 1; i < s.length; i++) {
            if (s[i] != 1 && s[i] >= 0) {
                return false;
            }
        }
        return s[0] < 0;
    }

    private static long[] shape(NodeInfo n) {
        return ((TensorInfo) n.getInfo()).getShape();
    }

    private static VaeforgeException refused(String file, String expected, List<NodeInfo> found, String hint) {
        List<String> described = new ArrayList<>();
        for (NodeInfo n : found) {
            described.add(describe(n));
        }
        String what = found.size() == 1 ? "" : "s";
        String kind = expected.contains("input") ? "input" : "output";
        return new VaeforgeException(VaeforgeException.Code.BAD_INPUT, file + ": expected " + expected + ", found "
                + found.size() + " " + kind + what + (found.isEmpty() ? "" : " " + String.join(", ", described)) + hint);
    }

    /** {@code name:float32[N,3,64,64]}, dynamic dimensions by their symbolic name or "?". */
    static String describe(NodeInfo n) {
        if (!(n.getInfo() instanceof TensorInfo t)) {
            return n.getName() + ":" + n.getInfo().getClass().getSimpleName().replace("Info", "").toLowerCase(Locale.ROOT);
        }
        long[] s = t.getShape();
        String[] names = t.getDimensionNames();
        List<String> dims = new ArrayList<>();
        for (int i = 0; i < s.length; i++) {
            if (s[i] >= 0) {
                dims.add(Long.toString(s[i]));
            } else {
                dims.add(names != null && i < names.length && !names[i].isEmpty() ? names[i] : "?");
            }
        }
        return n.getName() + ":" + typeName(t) + "[" + String.join(",", dims) + "]";
    }

    private static String typeName(TensorInfo t) {
        return switch (t.type) {
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            case INT64 -> "int64";
            case INT32 -> "int32";
            case UINT8 -> "uint8";
            case BOOL -> "bool";
            default -> t.onnxType.name().toLowerCase(Locale.ROOT).replace("onnx_tensor_element_data_type_", "");
        };
    }

    private static String dim(long d) {
        return d >= 0 ? Long.toString(d) : "any";
    }
}
