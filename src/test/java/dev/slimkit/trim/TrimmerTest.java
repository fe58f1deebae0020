package dev.slimkit.trim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class TrimmerTest {

    @Test
    void sliceKeepsRowsAndColumnsOnTheDevice() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(24f).reshape(4, 3, 2);
            NDArray s = Trimmer.slice(m, x, new int[] {0, 2}, new int[] {1, 2});
            assertEquals(new Shape(2, 2, 2), s.getShape());
            assertEquals(x.getDevice(), s.getDevice());
            assertArrayEquals(new float[] {2, 3, 4, 5, 14, 15, 16, 17}, s.toFloatArray());
            assertArrayEquals(new float[] {6, 7, 8, 9, 10, 11}, Trimmer.slice(m, x, new int[] {1}, null).toFloatArray());
            assertEquals(new Shape(4, 3, 2), Trimmer.slice(m, x, null, null).getShape());
        }
    }

    @Test
    void copyIntoWritesInPlace() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray to = m.zeros(new Shape(2, 3));
            Trimmer.copyInto(to, m.arange(6f).reshape(2, 3));
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, to.toFloatArray());
        }
    }
}
