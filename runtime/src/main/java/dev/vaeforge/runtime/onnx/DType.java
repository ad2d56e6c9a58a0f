package dev.vaeforge.runtime.onnx;

import dev.vaeforge.runtime.onnx.proto.Onnx.TensorProto;

/** Tensor element types that vaeforge graphs use, with their ONNX codes and manifest names. */
public enum DType {
    FLOAT(TensorProto.DataType.FLOAT_VALUE, "float32"),
    INT64(TensorProto.DataType.INT64_VALUE, "int64"),
    INT32(TensorProto.DataType.INT32_VALUE, "int32"),
    UINT8(TensorProto.DataType.UINT8_VALUE, "uint8"),
    BOOL(TensorProto.DataType.BOOL_VALUE, "bool");

    private final int onnxCode;
    private final String manifestName;

    DType(int onnxCode, String manifestName) {
        this.onnxCode = onnxCode;
        this.manifestName = manifestName;
    }

    public int onnxCode() {
        return onnxCode;
    }

    /** The name used in manifest.json ("float32", "int64", ...). */
    public String manifestName() {
        return manifestName;
    }

    public static DType fromManifestName(String name) {
        for (DType t : values()) {
            if (t.manifestName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("Unknown dtype '" + name + "', expected one of float32, int64, int32, uint8, bool");
    }
}
