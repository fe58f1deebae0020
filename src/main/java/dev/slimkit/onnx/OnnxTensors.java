package dev.slimkit.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * ONNX initializers in and out of Java arrays (raw little-endian data, as slimkit's export writes
 * them): the one place float, int8/uint8 and int32 tensors are encoded and float ones decoded.
 */
public final class OnnxTensors {

    private OnnxTensors() {}

    /** The values of a float32 initializer (raw data or float_data). */
    public static float[] floats(OnnxMl.TensorProto t) {
        if (t.getDataType() != OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
            throw new IllegalArgumentException("initializer [" + t.getName() + "] is not float32");
        }
        if (!t.getRawData().isEmpty()) {
            FloatBuffer fb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        }
        float[] out = new float[t.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }

    /** The dimensions of an initializer. */
    public static long[] dims(OnnxMl.TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** A float32 initializer. */
    public static OnnxMl.TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return tensor(name, OnnxMl.TensorProto.DataType.FLOAT, raw.array(), dims);
    }

    /** An int8 (or, with {@code unsigned}, uint8) initializer from integers already in range. */
    public static OnnxMl.TensorProto bytes(String name, int[] values, boolean unsigned, long... dims) {
        byte[] raw = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            raw[i] = (byte) values[i];
        }
        return tensor(name, unsigned ? OnnxMl.TensorProto.DataType.UINT8 : OnnxMl.TensorProto.DataType.INT8, raw, dims);
    }

    /** An int32 initializer. */
    public static OnnxMl.TensorProto ints(String name, int[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asIntBuffer().put(values);
        return tensor(name, OnnxMl.TensorProto.DataType.INT32, raw.array(), dims);
    }

    /** The integers of an int8, uint8 or int32 initializer (raw data). */
    public static int[] integers(OnnxMl.TensorProto t) {
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int type = t.getDataType();
        if (type == OnnxMl.TensorProto.DataType.INT32.getNumber()) {
            int[] out = new int[raw.remaining() / 4];
            raw.asIntBuffer().get(out);
            return out;
        }
        int[] out = new int[raw.remaining()];
        for (int i = 0; i < out.length; i++) {
            byte b = raw.get();
            out[i] = type == OnnxMl.TensorProto.DataType.UINT8.getNumber() ? Byte.toUnsignedInt(b) : b;
        }
        return out;
    }

    private static OnnxMl.TensorProto tensor(String name, OnnxMl.TensorProto.DataType type, byte[] raw, long... dims) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }
}
