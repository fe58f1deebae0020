package dev.slimkit.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST container format), gzip-compressed or plain.
 *
 * <p>An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of
 * dimensions), one big-endian int per dimension, then the data. Only unsigned-byte data (type
 * {@code 0x08}) is supported, which is what image and label files use.
 */
public final class IdxReader {

    /** The contents of one IDX file: its dimensions and its raw unsigned bytes. */
    public record IdxArray(int[] dims, byte[] data) {
        /** Number of items along the first dimension. */
        public int count() {
            return dims[0];
        }

        /** Number of bytes per item (product of all dimensions but the first). */
        public int itemSize() {
            int size = 1;
            for (int i = 1; i < dims.length; i++) {
                size *= dims[i];
            }
            return size;
        }
    }

    private IdxReader() {}

    /**
     * Reads one IDX file; a name ending in {@code .gz} is decompressed.
     *
     * @throws IOException if the file is missing, truncated or not an unsigned-byte IDX file; the
     *     message names the file
     */
    public static IdxArray read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("IDX file not found: [" + file + "]");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                InputStream in =
                        file.getFileName().toString().endsWith(".gz")
                                ? new GZIPInputStream(raw, 1 << 16)
                                : raw) {
            return read(in, file.toString());
        }
    }

    /** Reads IDX data from a stream; {@code source} names it in error messages. */
    public static IdxArray read(InputStream stream, String source) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IOException("IDX file [" + source + "] is empty or truncated", e);
        }
        int type = (magic >>> 8) & 0xff;
        int ndim = magic & 0xff;
        if ((magic >>> 16) != 0 || ndim < 1 || ndim > 4) {
            throw new IOException(
                    String.format(
                            "[%s] is not an IDX file (magic number 0x%08x); expected gzip IDX files"
                                    + " such as train-images-idx3-ubyte.gz",
                            source, magic));
        }
        if (type != 0x08) {
            throw new IOException(
                    String.format(
                            "IDX file [%s] holds data type 0x%02x; only unsigned bytes (0x08) are"
                                    + " supported",
                            source, type));
        }
        int[] dims = new int[ndim];
        long total = 1;
        for (int i = 0; i < ndim; i++) {
            dims[i] = in.readInt();
            if (dims[i] < 0) {
                throw new IOException("IDX file [" + source + "] has a negative dimension");
            }
            total *= dims[i];
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IOException("IDX file [" + source + "] is too large: " + total + " bytes");
        }
        byte[] data = new byte[(int) total];
        try {
            in.readFully(data);
        } catch (EOFException e) {
            throw new IOException(
                    "IDX file [" + source + "] is truncated: expected " + total + " data bytes", e);
        }
        return new IdxArray(dims, data);
    }
}
