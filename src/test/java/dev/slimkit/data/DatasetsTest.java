package dev.slimkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    @TempDir Path dir;

    /** Writes an unsigned-byte IDX file, gzip-compressed. */
    static void writeIdx(Path file, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0x0800 | dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes.toByteArray());
        }
    }

    private void writeTinySet() throws IOException {
        // 6 train images of 2x3 pixels, labels 0,1,2,0,1,2; 3 test images
        byte[] train = new byte[6 * 6];
        for (int i = 0; i < train.length; i++) {
            train[i] = (byte) (i * 7);
        }
        writeIdx(dir.resolve("train-images-idx3-ubyte.gz"), new int[] {6, 2, 3}, train);
        writeIdx(dir.resolve("train-labels-idx1-ubyte.gz"), new int[] {6}, new byte[] {0, 1, 2, 0, 1, 2});
        writeIdx(dir.resolve("t10k-images-idx3-ubyte.gz"), new int[] {3, 2, 3}, new byte[18]);
        writeIdx(dir.resolve("t10k-labels-idx1-ubyte.gz"), new int[] {3}, new byte[] {2, 1, 0});
    }

    @Test
    void readsGzipIdx() throws IOException {
        writeIdx(dir.resolve("x.gz"), new int[] {2, 2, 2}, new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) 255});
        IdxReader.IdxArray a = IdxReader.read(dir.resolve("x.gz"));
        assertArrayEquals(new int[] {2, 2, 2}, a.dims());
        assertEquals(2, a.count());
        assertEquals(4, a.itemSize());
        assertEquals((byte) 255, a.data()[7]);
    }

    @Test
    void rejectsTruncatedAndForeignFiles() throws IOException {
        Path truncated = dir.resolve("t");
        Files.write(truncated, new byte[] {0, 0, 8, 1, 0, 0, 0, 9, 1, 2});
        IOException e = assertThrows(IOException.class, () -> IdxReader.read(truncated));
        assertEquals("IDX file [" + truncated + "] is truncated: expected 9 data bytes", e.getMessage());
        Path foreign = dir.resolve("f");
        Files.writeString(foreign, "hello world");
        assertTrue(assertThrows(IOException.class, () -> IdxReader.read(foreign))
                .getMessage().startsWith("[" + foreign + "] is not an IDX file"));
    }

    @Test
    void loadsFolderNormalizesAndFilters() throws IOException {
        writeTinySet();
        ImageData data = Datasets.idx(dir);
        assertEquals(6, data.train().size());
        assertEquals(3, data.test().size());
        assertArrayEquals(new int[] {1, 2, 3}, data.imageShape());
        assertEquals(3, data.numClasses());
        // standardized with the training statistics: mean 0 over the training pixels
        double sum = 0;
        for (int i = 0; i < 6; i++) {
            for (float v : data.train().image(i)) {
                sum += v;
            }
        }
        assertEquals(0, sum / 36, 1e-5);

        ImageData two = data.classes(2, 1);
        assertEquals(2, two.numClasses());
        assertArrayEquals(new int[] {1, 0, 1, 0}, two.train().labels()); // 1->1, 2->0
        assertArrayEquals(new int[] {0, 1}, two.test().labels());
        assertEquals(java.util.List.of("class 2", "class 1"), two.classNames());
        assertEquals(4, data.limit(4).train().size());
        assertEquals(1, data.testLimit(1).test().size());
        ImageData split = data.validationSplit(0.5, 1);
        assertEquals(3, split.train().size());
        assertEquals(3, split.validation().orElseThrow().size());
    }

    @Test
    void missingDataNamesFolderAndFix() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Datasets.idx(dir.resolve("nope")));
        assertEquals("no train-images-idx3-ubyte[.gz] in [" + dir.resolve("nope")
                + "]; pass a folder holding the four MNIST-style IDX files", e.getCause().getMessage());
        assertEquals("unknown data source [cifar]; choose fashion-mnist, synthetic, idx:DIR or folder:DIR",
                assertThrows(IllegalArgumentException.class, () -> Datasets.fromSource("cifar")).getMessage());
    }

    @Test
    void classListsParseAndBadOnesAreNamed() {
        assertArrayEquals(new int[] {5, 6, 7, 8, 9}, ClassList.parse("5-9"));
        assertArrayEquals(new int[] {0, 2, 5}, ClassList.parse("0,2,5"));
        assertArrayEquals(new int[] {0, 1, 7}, ClassList.parse("0-1,7"));
        assertEquals("cannot read class list [a-b]; write a range such as 0-4 or a list such as 0,2,5",
                assertThrows(IllegalArgumentException.class, () -> ClassList.parse("a-b")).getMessage());
        ImageData data = Datasets.synthetic(3, 6, 3, 0);
        assertEquals("class [7] is past the last class 2 of synthetic; pass classes between 0 and 2",
                assertThrows(IllegalArgumentException.class, () -> data.classes(0, 7)).getMessage());
        assertEquals("a class filter needs at least 2 classes, got [1]; pass e.g. 0-4 or 0,2,5",
                assertThrows(IllegalArgumentException.class, () -> data.classes(1)).getMessage());
    }

    private static String refused(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void classListsAgainstTheDataNameWhatWasTyped() {
        ImageData data = Datasets.synthetic(10, 20, 10, 0);
        assertEquals(3, data.classes("2-4").numClasses());
        assertEquals(java.util.List.of("class 7", "class 0", "class 1"), data.classes(" 7, 0-1 ").classNames());
        assertEquals("class range [3-99] goes past the last class 9 of synthetic; pass classes between 0 and 9",
                refused(() -> data.classes("3-99")));
        assertEquals("class [12] is past the last class 9 of synthetic; pass classes between 0 and 9",
                refused(() -> data.classes("0,12")));
        assertEquals("class [-1] is below 0, the first class; pass classes between 0 and 9",
                refused(() -> data.classes("-1,2")));
        assertEquals("class range [-3-4] is below 0, the first class; pass classes between 0 and 9",
                refused(() -> data.classes("-3-4")));
        assertEquals("class range [5-2] runs backwards; write the lower class first, e.g. 2-5",
                refused(() -> data.classes("5-2")));
        assertEquals("class list [0-3,2] names class 2 twice; list each class once", refused(() -> data.classes("0-3,2")));
        assertEquals("class [99999999999999999999] is past the last class 9 of synthetic; pass classes between 0 and 9",
                refused(() -> data.classes("1,99999999999999999999")));
        for (String bad : new String[] {"", " ", "a", "1,,2", "1-", "-", "1-2-3", "0x3", "1.5", "٣"}) {
            assertEquals("cannot read class list [" + bad + "]; write a range such as 0-4 or a list such as 0,2,5",
                    refused(() -> data.classes(bad)), bad);
        }
        assertEquals("a class filter needs at least 2 classes, got [4]; pass e.g. 0-4 or 0,2,5", refused(() -> data.classes("4")));
    }

    @Test
    void aHugeClassRangeIsRefusedBeforeAnythingIsAllocated() {
        ImageData data = Datasets.synthetic(10, 20, 10, 0);
        Runtime rt = Runtime.getRuntime();
        long before = rt.totalMemory() - rt.freeMemory();
        long start = System.nanoTime();
        assertEquals("class range [0-2000000000] goes past the last class 9 of synthetic; pass classes between 0 and 9",
                refused(() -> data.classes("0-2000000000")));
        assertEquals("class range [0-9223372036854775807] goes past the last class 9 of synthetic; pass classes between 0"
                + " and 9", refused(() -> data.classes("0-9223372036854775807")));
        // Without the data at hand (the magic parses first): refused at the cap, not expanded.
        assertEquals("class range [0-2000000000] goes past class 65535, more classes than a data set here can have;"
                + " pass the classes of your data, e.g. 0-4", refused(() -> ClassList.parse("0-2000000000")));
        assertEquals("class [-2] is below 0; classes are numbered from 0", refused(() -> ClassList.parse("-2,1")));
        assertTrue(System.nanoTime() - start < 500_000_000L, "at once");
        assertTrue(rt.totalMemory() - rt.freeMemory() - before < 64L << 20, "nothing large allocated");
        // The int[] path (what the magic passes today) names the run as it was most likely typed.
        assertEquals("class range [3-99] goes past the last class 9 of synthetic; pass classes between 0 and 9",
                refused(() -> data.classes(ClassList.parse("3-99"))));
    }

    @Test
    void aValidationFractionOfZeroOrOneGetsTheSameMessage() {
        ImageData data = Datasets.synthetic(3, 30, 6, 0);
        assertEquals("validation fraction must be in (0, 1), got [0]; pass e.g. 0.1", refused(() -> data.validationSplit(0, 1)));
        assertEquals("validation fraction must be in (0, 1), got [1]; pass e.g. 0.1", refused(() -> data.validationSplit(1, 1)));
        assertEquals("validation fraction must be in (0, 1), got [-0.5]; pass e.g. 0.1",
                refused(() -> data.validationSplit(-0.5, 1)));
        assertEquals("validation fraction must be in (0, 1), got [NaN]; pass e.g. 0.1",
                refused(() -> ImageData.checkValidationFraction(Double.NaN)));
        assertEquals("validation fraction must be in (0, 1), got [Infinity]; pass e.g. 0.1",
                refused(() -> ImageData.checkValidationFraction(Double.POSITIVE_INFINITY)));
        assertEquals("validation fraction [0.001] of 30 training images leaves an empty split; use more data or another"
                + " fraction", refused(() -> data.validationSplit(0.001, 1)));
        assertEquals(3, data.validationSplit(0.1, 1).validation().orElseThrow().size());
    }

    @Test
    void realFashionMnistShapesAndCounts() {
        assumeTrue(Datasets.fashionMnistInstalled(),
                "Debian package dataset-fashion-mnist is not installed: apt-get install dataset-fashion-mnist");
        ImageData data = Datasets.fashionMnist();
        assertEquals(60000, data.train().size());
        assertEquals(10000, data.test().size());
        assertArrayEquals(new int[] {1, 28, 28}, data.imageShape());
        for (int count : data.train().classCounts()) {
            assertEquals(6000, count);
        }
        for (int count : data.test().classCounts()) {
            assertEquals(1000, count);
        }
        assertEquals("Ankle boot", data.classNames().get(9));
        ImageData upper = data.classes(ClassList.parse("5-9"));
        assertEquals(30000, upper.train().size());
        assertEquals(5, upper.numClasses());
    }
}
