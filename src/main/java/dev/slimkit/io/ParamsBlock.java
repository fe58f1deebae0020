package dev.slimkit.io;

import static dev.slimkit.io.ModelIO.*;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import dev.slimkit.model.Layer;
import dev.slimkit.model.ModelSpec;
import dev.slimkit.model.SlimModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The weights block of a model file ({@code params.bin}): its budget (what a spec implies, counted
 * with exact arithmetic before anything is allocated), its encoding (dense, or sparse with a sign
 * bitmap for pruned weights) and its checked decoding into a model.
 */
final class ParamsBlock {

    private ParamsBlock() {}

    static final byte[] PARAMS_MAGIC = "SLIMPRM1".getBytes(StandardCharsets.US_ASCII);
    private static final int DENSE = 0;
    private static final int SPARSE = 1;
    /** Sparse, then a bitmap of the zeros that are -0.0 (pruning by multiplication makes them). */
    private static final int SPARSE_SIGNED = 2;

    /** What a spec implies for the weights: their count and the most bytes their block can take. */
    record Budget(long parameters, long encodedBytes) {}

    /**
     * The parameters a spec declares (TorchScript modules aside), counted with exact arithmetic
     * before anything is allocated, and the size of their largest possible encoding.
     */
    static Budget budget(ModelSpec spec, Path file) throws ModelFileException {
        long values = 0;
        long bytes = PARAMS_MAGIC.length + 4;
        try {
            for (ModelSpec.LayerTrace t : spec.trace()) {
                Layer l = t.layer();
                long out = 1;
                for (long d : t.outputShape()) {
                    out = Math.multiplyExact(out, d);
                }
                if (out < 1 || out > MAX_ACTIVATIONS) {
                    throw new ModelFileException("model file [" + file + "]: layer [" + ModelFileException.shown(t.path())
                            + "] outputs " + out + " values per image, more than slimkit handles (" + MAX_ACTIVATIONS
                            + "); the file is damaged or not a slimkit model");
                }
                List<Long> tensors = tensorSizes(l, t.inputShape());
                for (long n : tensors) {
                    if (n < 0) {
                        throw new ArithmeticException("negative size");
                    }
                    values = Math.addExact(values, n);
                    // path (modified UTF-8: 3 bytes a char at most), dims, count, encoding, values
                    long header = 2 + 3L * (t.path().length() + 16) + 4 + 8 * 8 + 4 + 1 + 4;
                    bytes = Math.addExact(bytes, Math.addExact(header, Math.multiplyExact(n, 4)));
                }
            }
        } catch (ArithmeticException e) {
            throw new ModelFileException("model file [" + file + "]: its spec declares sizes too large to count; the file is"
                    + " damaged or not a slimkit model", e);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException("model file [" + file + "] has an invalid spec: " + message(e), e);
        }
        if (values > MAX_PARAMETERS) {
            throw new ModelFileException("model file [" + file + "]: its spec declares " + values
                    + " parameters, more than slimkit loads (" + MAX_PARAMETERS
                    + "); the file is damaged or not a slimkit model");
        }
        return new Budget(values, bytes);
    }

    /** Values in each parameter tensor of {@code l} given its input shape (exact arithmetic; none for TorchScript). */
    private static List<Long> tensorSizes(Layer l, long[] in) {
        List<Long> tensors = new ArrayList<>();
        switch (l.kind()) {
            case CONV -> {
                tensors.add(Math.multiplyExact(Math.multiplyExact((long) l.out(), in[0]),
                        Math.multiplyExact((long) l.kernel(), l.kernel())));
                if (l.bias()) {
                    tensors.add((long) l.out());
                }
            }
            case LINEAR -> {
                tensors.add(Math.multiplyExact((long) l.out(), in[0]));
                if (l.bias()) {
                    tensors.add((long) l.out());
                }
            }
            case BATCH_NORM -> {
                for (int i = 0; i < 4; i++) { // gamma, beta, running mean and variance
                    tensors.add(in[0]);
                }
            }
            default -> {
                // no parameters (a TorchScript module's are bounded by its own size)
            }
        }
        return tensors;
    }

    // ---------------------------------------------------------------- the parameter block

    static byte[] encodeParams(Map<String, Parameter> params) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(PARAMS_MAGIC);
            out.writeInt(params.size());
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray array = e.getValue().getArray();
                long[] dims = array.getShape().getShape();
                out.writeUTF(e.getKey());
                out.writeInt(dims.length);
                for (long d : dims) {
                    out.writeLong(d);
                }
                float[] values = array.toFloatArray();
                out.writeInt(values.length);
                int nonzero = 0;
                boolean negativeZero = false;
                for (float v : values) {
                    if (v != 0f) {
                        nonzero++;
                    } else if (Float.floatToRawIntBits(v) != 0) {
                        negativeZero = true;
                    }
                }
                if (nonzero < values.length / 2) {
                    // Sparse: a bitmap of non-zero positions, then the non-zero values; where some
                    // zeros are -0.0, a bitmap of those follows, so that loading gives the same bits.
                    out.writeByte(negativeZero ? SPARSE_SIGNED : SPARSE);
                    out.writeInt(nonzero);
                    byte[] bitmap = new byte[(values.length + 7) / 8];
                    ByteBuffer kept = ByteBuffer.allocate(Math.multiplyExact(nonzero, 4)).order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < values.length; i++) {
                        if (values[i] != 0f) {
                            bitmap[i >> 3] |= (byte) (1 << (i & 7));
                            kept.putFloat(values[i]);
                        }
                    }
                    out.write(bitmap);
                    out.write(kept.array());
                    if (negativeZero) {
                        byte[] signs = new byte[(values.length + 7) / 8];
                        for (int i = 0; i < values.length; i++) {
                            if (values[i] == 0f && Float.floatToRawIntBits(values[i]) != 0) {
                                signs[i >> 3] |= (byte) (1 << (i & 7));
                            }
                        }
                        out.write(signs);
                    }
                } else {
                    out.writeByte(DENSE);
                    ByteBuffer buffer = ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
                    buffer.asFloatBuffer().put(values);
                    out.write(buffer.array());
                }
            }
        }
        return bytes.toByteArray();
    }

    /**
     * Reads the parameter block into {@code model}'s parameters. Every tensor's path, shape and
     * value count are checked against the model before an array is made for it, and the block
     * must hold exactly the model's parameters, each once, and nothing after them.
     */
    static void decodeInto(byte[] data, Path file, SlimModel model) throws ModelFileException {
        Map<String, Parameter> params = model.parameters();
        Map<String, float[]> values = new LinkedHashMap<>();
        ByteBuffer in = ByteBuffer.wrap(data); // big-endian, as DataOutputStream wrote the headers
        String path = null;
        try {
            in.position(PARAMS_MAGIC.length);
            int count = in.getInt();
            if (count != params.size()) {
                throw new ModelFileException("model file [" + file + "] holds " + count + " parameters but its spec has "
                        + params.size() + "; the file is damaged");
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < count; i++) {
                path = null;
                path = utf(in);
                Parameter p = params.get(path);
                if (p == null) {
                    throw new ModelFileException("model file [" + file + "] holds parameter [" + ModelFileException.shown(path)
                            + "] that its spec does not have; the file is damaged");
                }
                if (!seen.add(path)) {
                    throw new ModelFileException("model file [" + file + "] holds parameter [" + ModelFileException.shown(path)
                            + "] twice; the file is damaged");
                }
                int n = checkedCount(in, file, path, p.getArray().getShape().getShape());
                values.put(path, decodeValues(in, file, path, n));
            }
            if (in.hasRemaining()) {
                throw new ModelFileException("model file [" + file + "] has " + in.remaining()
                        + " bytes after its last parameter; the file is damaged");
            }
        } catch (BufferUnderflowException | java.io.UTFDataFormatException e) {
            throw new ModelFileException("model file [" + file + "] is truncated or damaged inside its parameters"
                    + (path == null ? "" : " (at [" + ModelFileException.shown(path) + "])") + "; save the model again", e);
        }
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            params.get(e.getKey()).getArray().set(e.getValue());
        }
    }

    /** Reads a tensor's dims and value count and checks them against {@code expected}; returns the count. */
    private static int checkedCount(ByteBuffer in, Path file, String path, long[] expected) throws ModelFileException {
        int ndim = in.getInt();
        if (ndim < 0 || ndim > 8) {
            throw new ModelFileException("model file [" + file + "] is corrupt: parameter [" + path + "] has "
                    + ndim + " dimensions");
        }
        long[] dims = new long[ndim];
        for (int d = 0; d < ndim; d++) {
            dims[d] = in.getLong();
        }
        if (!Arrays.equals(dims, expected)) {
            throw new ModelFileException("model file [" + file + "]: parameter [" + path + "] has shape "
                    + shape(dims) + " but the spec needs " + shape(expected));
        }
        long size = 1;
        for (long d : expected) {
            size = Math.multiplyExact(size, d);
        }
        int n = in.getInt();
        if (n != size) {
            throw new ModelFileException("model file [" + file + "] is corrupt: parameter [" + path + "] has "
                    + n + " values for shape " + shape(dims));
        }
        return n;
    }

    /** One tensor's {@code n} values (n is the model's own size, checked), dense or sparse. */
    private static float[] decodeValues(ByteBuffer in, Path file, String path, int n) throws ModelFileException {
        float[] v = new float[n];
        int encoding = in.get();
        if (encoding == DENSE) {
            int byteCount = Math.multiplyExact(n, 4);
            if (in.remaining() < byteCount) {
                throw new BufferUnderflowException();
            }
            in.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            in.position(in.position() + byteCount);
        } else if (encoding == SPARSE || encoding == SPARSE_SIGNED) {
            byte[] bitmap = decodeSparse(in, file, path, v);
            if (encoding == SPARSE_SIGNED) {
                decodeSigns(in, file, path, v, bitmap);
            }
        } else {
            throw new ModelFileException("model file [" + file + "] is corrupt: parameter [" + path
                    + "] has encoding " + encoding);
        }
        return v;
    }

    /** A bitmap of the non-zeros, then their values, into {@code v}; returns the bitmap. */
    private static byte[] decodeSparse(ByteBuffer in, Path file, String path, float[] v) throws ModelFileException {
        int n = v.length;
        int nonzero = in.getInt();
        if (nonzero < 0 || nonzero > n) {
            throw new ModelFileException("model file [" + file + "] is corrupt: parameter [" + path + "] claims "
                    + nonzero + " non-zeros of " + n);
        }
        int bitmapBytes = (int) ((n + 7L) / 8);
        if (in.remaining() < bitmapBytes + 4L * nonzero) {
            throw new BufferUnderflowException();
        }
        byte[] bitmap = new byte[bitmapBytes];
        in.get(bitmap);
        ByteBuffer kept = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        kept.limit(4 * nonzero);
        int found = 0;
        for (int j = 0; j < n; j++) {
            if ((bitmap[j >> 3] & (1 << (j & 7))) != 0) {
                if (++found > nonzero) {
                    break;
                }
                v[j] = kept.getFloat();
            }
        }
        if (found != nonzero || (n % 8 != 0 && (bitmap[bitmapBytes - 1] & 0xFF) >>> (n % 8) != 0)) {
            throw new ModelFileException("model file [" + file + "] is corrupt: parameter [" + path
                    + "] marks other positions than its " + nonzero + " non-zero values");
        }
        in.position(in.position() + 4 * nonzero);
        return bitmap;
    }

    /** The bitmap of the zeros that are -0.0 (none of them a non-zero), applied to {@code v}. */
    private static void decodeSigns(ByteBuffer in, Path file, String path, float[] v, byte[] bitmap)
            throws ModelFileException {
        int n = v.length;
        int bitmapBytes = bitmap.length;
        if (in.remaining() < bitmapBytes) {
            throw new BufferUnderflowException();
        }
        byte[] signs = new byte[bitmapBytes];
        in.get(signs);
        for (int k = 0; k < bitmapBytes; k++) {
            if ((signs[k] & bitmap[k]) != 0 || (k == bitmapBytes - 1 && n % 8 != 0
                    && (signs[k] & 0xFF) >>> (n % 8) != 0)) {
                throw new ModelFileException("model file [" + file + "] is corrupt: parameter [" + path
                        + "] marks non-zero values as negative zeros");
            }
        }
        for (int j = 0; j < n; j++) {
            if ((signs[j >> 3] & (1 << (j & 7))) != 0) {
                v[j] = -0f;
            }
        }
    }

    /** A modified-UTF-8 string as {@link DataOutputStream#writeUTF} writes it. */
    private static String utf(ByteBuffer in) throws java.io.UTFDataFormatException {
        int length = Short.toUnsignedInt(in.getShort());
        if (in.remaining() < length) {
            throw new BufferUnderflowException();
        }
        byte[] bytes = new byte[length + 2];
        bytes[0] = (byte) (length >> 8);
        bytes[1] = (byte) length;
        in.get(bytes, 2, length);
        try {
            return new DataInputStream(new ByteArrayInputStream(bytes)).readUTF();
        } catch (java.io.UTFDataFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new java.io.UTFDataFormatException(e.getMessage());
        }
    }

    private static String shape(long[] dims) {
        return new ai.djl.ndarray.types.Shape(dims).toString();
    }

}
