package dev.slimkit.onnx;

import ai.onnx.proto.OnnxMl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;

/**
 * Reading one ONNX node of an imported file: its attributes, its stored weights (float32 and
 * int64 initializers), the shape checks slimkit's layers need, and the one-line refusal naming
 * the file, the node and what cannot be read.
 */
final class OnnxNodes {

    private final String file;
    private final Map<String, OnnxMl.TensorProto> constants;

    /** Nodes of {@code file} whose stored weights are {@code constants} (by value name). */
    OnnxNodes(String file, Map<String, OnnxMl.TensorProto> constants) {
        this.file = file;
        this.constants = constants;
    }

    void requireRank(OnnxMl.NodeProto n, int rank, int want) {
        if (rank != want) {
            throw refuse(n, want == 3 ? "a " + n.getOpType() + " after the image was flattened"
                    : "a " + n.getOpType() + " on a feature map (flatten it first)");
        }
    }

    IllegalArgumentException refuse(OnnxMl.NodeProto n, String what) {
        return new IllegalArgumentException("[" + file + "] node [" + n.getName() + "] (op " + n.getOpType()
                + ") cannot be read: " + what);
    }

    OnnxMl.TensorProto tensor(OnnxMl.NodeProto n, String name) {
        OnnxMl.TensorProto t = constants.get(name);
        if (t == null) {
            throw refuse(n, "input [" + name + "] is computed, not a stored weight");
        }
        return t;
    }

    long[] shapeOf(OnnxMl.NodeProto n, String name) {
        return tensor(n, name).getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    float[] constant(OnnxMl.NodeProto n, String name) {
        OnnxMl.TensorProto t = tensor(n, name);
        if (t.getDataType() != OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
            throw refuse(n, "weight [" + name + "] is not float32");
        }
        return OnnxTensors.floats(t);
    }

    long[] longs(OnnxMl.NodeProto n, String name) {
        OnnxMl.TensorProto t = tensor(n, name);
        if (t.getDataType() != OnnxMl.TensorProto.DataType.INT64.getNumber()) {
            throw refuse(n, "input [" + name + "] is not int64");
        }
        if (!t.getRawData().isEmpty()) {
            ByteBuffer bb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            long[] out = new long[bb.remaining() / 8];
            bb.asLongBuffer().get(out);
            return out;
        }
        return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }

    static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    static OnnxMl.AttributeProto attr(OnnxMl.NodeProto n, String name) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst().orElse(null);
    }

    static long[] ints(OnnxMl.NodeProto n, String name) {
        OnnxMl.AttributeProto a = attr(n, name);
        return a == null ? new long[0] : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    static long intAttr(OnnxMl.NodeProto n, String name, long fallback) {
        OnnxMl.AttributeProto a = attr(n, name);
        return a == null ? fallback : a.getI();
    }

    static float floatAttr(OnnxMl.NodeProto n, String name, float fallback) {
        OnnxMl.AttributeProto a = attr(n, name);
        return a == null ? fallback : a.getF();
    }

    int square(OnnxMl.NodeProto n, String name, long[] fallback) {
        long[] v = ints(n, name);
        if (v.length == 0) {
            v = fallback;
        }
        if (v == null || v.length != 2 || v[0] != v[1] || v[0] < 1) {
            throw refuse(n, name + " " + (v == null ? "missing" : Arrays.toString(v))
                    + " (slimkit reads square 2-D windows and equal strides)");
        }
        return (int) v[0];
    }

    int uniformPads(OnnxMl.NodeProto n) {
        long[] pads = ints(n, "pads");
        if (pads.length == 0) {
            return 0;
        }
        if (pads.length != 4 || Arrays.stream(pads).anyMatch(p -> p != pads[0])) {
            throw refuse(n, "pads " + Arrays.toString(pads) + " (slimkit reads the same padding on every side)");
        }
        return (int) pads[0];
    }

    void checkAutoPad(OnnxMl.NodeProto n) {
        OnnxMl.AttributeProto a = attr(n, "auto_pad");
        if (a != null && !a.getS().toStringUtf8().equals("NOTSET") && !a.getS().toStringUtf8().equals("VALID")) {
            throw refuse(n, "auto_pad " + a.getS().toStringUtf8() + " (write explicit pads)");
        }
    }
}
