package dev.vaeforge.runtime.quantize;

import com.google.protobuf.ByteString;
import dev.vaeforge.runtime.onnx.proto.Onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reading and writing the initializers quantisation touches: float32, int8, uint8 and int32. */
final class Tensors {
    private Tensors() {
    }

    static long[] dims(TensorProto t) {
        long[] d = new long[t.getDimsCount()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.getDims(i);
        }
        return d;
    }

    /** A float32 initializer's values, raw or in float_data. */
    static float[] floats(TensorProto t) {
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new IllegalArgumentException("initializer '" + t.getName() + "' is not float32 (data type "
                    + t.getDataType() + ")");
        }
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[b.remaining() / 4];
            b.asFloatBuffer().get(out);
            return out;
        }
        float[] out = new float[t.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }

    static TensorProto floatTensor(String name, float[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return tensor(name, TensorProto.DataType.FLOAT_VALUE, b.array(), dims);
    }

    static TensorProto int32Tensor(String name, int[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        return tensor(name, TensorProto.DataType.INT32_VALUE, b.array(), dims);
    }

    /** int8 ({@code signed}) or uint8 values, one byte each. */
    static TensorProto byteTensor(String name, byte[] v, boolean signed, long... dims) {
        return tensor(name, signed ? TensorProto.DataType.INT8_VALUE : TensorProto.DataType.UINT8_VALUE, v, dims);
    }

    private static TensorProto tensor(String name, int type, byte[] raw, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }
}
