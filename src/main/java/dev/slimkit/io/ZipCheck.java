package dev.slimkit.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Checks a zip archive held in memory (a TorchScript module) record by record through its central
 * directory: every record must lie inside the archive, inflate to its declared size and match its
 * CRC-32, and all of them together must not inflate past a cap. Zip64 archives (as PyTorch writes
 * them) and data descriptors are understood; nothing is trusted before it is bounds-checked.
 */
final class ZipCheck {

    private static final int EOCD = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_EOCD = 0x06064b50;
    private static final int CEN = 0x02014b50;
    private static final int LOC = 0x04034b50;
    private static final long MAX32 = 0xFFFFFFFFL;

    private ZipCheck() {}

    /**
     * @return the number of records
     * @throws IOException saying what is wrong (one line, no file name)
     */
    static int verify(byte[] zip, long inflateCap) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        Directory dir = directory(b, zip.length);
        long total = 0;
        int at = (int) dir.offset();
        CRC32 crc = new CRC32();
        byte[] out = new byte[64 << 10];
        for (long n = 0; n < dir.entries(); n++) {
            Entry e = entry(b, at, dir.offset() + dir.size());
            if (e.loc() < 0 || e.csize() < 0 || e.usize() < 0 || e.loc() + 30 > zip.length
                    || b.getInt((int) e.loc()) != LOC) {
                throw new IOException("a record out of place");
            }
            long data = e.loc() + 30 + Short.toUnsignedInt(b.getShort((int) e.loc() + 26))
                    + Short.toUnsignedInt(b.getShort((int) e.loc() + 28));
            if (data + e.csize() > zip.length) {
                throw new IOException("a record past the end of the archive");
            }
            total += e.usize();
            if (total > inflateCap) {
                throw new IOException("records that inflate to more than " + inflateCap + " bytes");
            }
            crc.reset();
            checkData(zip, (int) data, e, crc, out);
            if (crc.getValue() != e.crc()) {
                throw new IOException("a record that fails its CRC-32 check");
            }
            at = (int) e.next();
        }
        return (int) dir.entries();
    }

    /** Where the central directory is and how many records it lists. */
    private record Directory(long entries, long size, long offset) {}

    /** One central-directory record: method, CRC, sizes, local header offset, and where the next record starts. */
    private record Entry(int method, long crc, long csize, long usize, long loc, long next) {}

    /** The end-of-directory record (zip64's when the 32-bit fields say so), bounds-checked. */
    private static Directory directory(ByteBuffer b, int length) throws IOException {
        int eocd = -1;
        for (int i = length - 22; i >= Math.max(0, length - 22 - 65535); i--) {
            if (b.getInt(i) == EOCD) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new IOException("no zip directory");
        }
        long entries = Short.toUnsignedInt(b.getShort(eocd + 10));
        long cenSize = Integer.toUnsignedLong(b.getInt(eocd + 12));
        long cenOffset = Integer.toUnsignedLong(b.getInt(eocd + 16));
        if (entries == 0xFFFF || cenSize == MAX32 || cenOffset == MAX32) {
            int locator = eocd - 20;
            if (locator < 0 || b.getInt(locator) != ZIP64_LOCATOR) {
                throw new IOException("a zip64 directory without its locator");
            }
            long z64 = b.getLong(locator + 8);
            if (z64 < 0 || z64 + 56 > locator || b.getInt((int) z64) != ZIP64_EOCD) {
                throw new IOException("a zip64 directory out of place");
            }
            entries = b.getLong((int) z64 + 32);
            cenSize = b.getLong((int) z64 + 40);
            cenOffset = b.getLong((int) z64 + 48);
        }
        if (entries < 0 || cenOffset < 0 || cenSize < 0 || cenOffset + cenSize > length || entries > cenSize / 46) {
            throw new IOException("a zip directory out of place");
        }
        return new Directory(entries, cenSize, cenOffset);
    }

    /** The directory record at {@code at} (ending before {@code end}), with its zip64 extra field read. */
    private static Entry entry(ByteBuffer b, int at, long end) throws IOException {
        if (at + 46 > end || b.getInt(at) != CEN) {
            throw new IOException("a damaged zip directory");
        }
        int method = Short.toUnsignedInt(b.getShort(at + 10));
        long expectedCrc = Integer.toUnsignedLong(b.getInt(at + 16));
        long csize = Integer.toUnsignedLong(b.getInt(at + 20));
        long usize = Integer.toUnsignedLong(b.getInt(at + 24));
        int nameLen = Short.toUnsignedInt(b.getShort(at + 28));
        int extraLen = Short.toUnsignedInt(b.getShort(at + 30));
        int commentLen = Short.toUnsignedInt(b.getShort(at + 32));
        long loc = Integer.toUnsignedLong(b.getInt(at + 42));
        long next = (long) at + 46 + nameLen + extraLen + commentLen;
        if (next > end) {
            throw new IOException("a damaged zip directory");
        }
        // zip64 sizes and offset, where the 32-bit fields say so
        int x = at + 46 + nameLen;
        while (x + 4 <= at + 46 + nameLen + extraLen) {
            int id = Short.toUnsignedInt(b.getShort(x));
            int len = Short.toUnsignedInt(b.getShort(x + 2));
            if (x + 4 + len > at + 46 + nameLen + extraLen) {
                throw new IOException("a damaged zip directory");
            }
            if (id == 0x0001) {
                int p = x + 4;
                int stop = p + len;
                if (usize == MAX32 && p + 8 <= stop) {
                    usize = b.getLong(p);
                    p += 8;
                }
                if (csize == MAX32 && p + 8 <= stop) {
                    csize = b.getLong(p);
                    p += 8;
                }
                if (loc == MAX32 && p + 8 <= stop) {
                    loc = b.getLong(p);
                }
            }
            x += 4 + len;
        }
        return new Entry(method, expectedCrc, csize, usize, loc, next);
    }

    /** Feeds the record's bytes (inflated when deflated) to {@code crc}, checking its sizes. */
    private static void checkData(byte[] zip, int data, Entry e, CRC32 crc, byte[] out) throws IOException {
        if (e.method() == 0) {
            if (e.csize() != e.usize()) {
                throw new IOException("a stored record whose sizes differ");
            }
            crc.update(zip, data, (int) e.csize());
        } else if (e.method() == 8) {
            Inflater inflater = new Inflater(true);
            try {
                inflater.setInput(zip, data, (int) e.csize());
                long produced = 0;
                while (!inflater.finished()) {
                    int k = inflater.inflate(out);
                    if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                        throw new IOException("a truncated deflated record");
                    }
                    produced += k;
                    if (produced > e.usize()) {
                        throw new IOException("a record that inflates past its declared size");
                    }
                    crc.update(out, 0, k);
                }
                if (produced != e.usize()) {
                    throw new IOException("a record shorter than its declared size");
                }
            } catch (DataFormatException ex) {
                throw new IOException("a damaged deflated record (" + ex.getMessage() + ")");
            } finally {
                inflater.end();
            }
        } else {
            throw new IOException("a record with compression method " + e.method());
        }
    }
}
