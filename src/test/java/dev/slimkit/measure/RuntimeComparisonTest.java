package dev.slimkit.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.model.SlimModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** %compare --runtime djl,onnx: each model timed in DJL and in ONNX Runtime on its checked export. */
class RuntimeComparisonTest {

    @Test
    void onnxRuntimeRowsBesideDjl() throws Exception {
        Path ts = Path.of(RuntimeComparisonTest.class.getResource("/torchscript/tiny_classifier.pt").toURI());
        try (SlimModel a = SlimModel.create("lenet5", 10, 1.0, 0); SlimModel b = SlimModel.create("mlp", 10, 0.5, 0);
                SlimModel t = SlimModel.fromTorchScript("ts", ts, new int[] {1, 28, 28}, 0, 0)) {
            Comparison c = Comparison.of(List.of(a, b, t), null, true, List.of("djl", "onnx"));
            List<RuntimeRow> rows = c.runtimes();
            assertEquals(List.of("lenet5", "lenet5", "mlp", "mlp", "ts", "ts"), rows.stream().map(RuntimeRow::model).toList());
            assertEquals(List.of("DJL (PyTorch)", "ONNX Runtime"), List.of(rows.get(0).runtime(), rows.get(1).runtime()));
            for (RuntimeRow r : rows.subList(0, 4)) {
                assertTrue(r.msBatch1() > 0 && r.msBatch32() > 0 && r.iqrBatch32() >= 0, r.toString());
            }
            assertEquals(c.rows().get(0).latencyMsBatch32(), rows.get(0).msBatch32(), "the DJL row is the comparison's own");
            assertTrue(rows.get(1).note().startsWith("export checked: max |Δ| "), rows.get(1).note());
            assertTrue(Double.isNaN(rows.get(5).msBatch1()), "a TorchScript model has no ONNX export");
            assertTrue(rows.get(5).note().startsWith("not timed: model [ts] holds TorchScript layer"), rows.get(5).note());
            assertEquals(0, Comparison.of(List.of(a), null, true, List.of("djl")).runtimes().size());
        }
    }

    @Test
    void badRuntimes() {
        assertEquals(List.of("onnx", "djl"), Comparison.parseRuntimes("onnx, djl"));
        assertEquals("unknown runtime [tf]; choose djl, onnx or both as djl,onnx",
                assertThrows(IllegalArgumentException.class, () -> Comparison.parseRuntimes("djl,tf")).getMessage());
        assertEquals("runtime [djl] is listed twice; choose djl, onnx or both as djl,onnx",
                assertThrows(IllegalArgumentException.class, () -> Comparison.parseRuntimes("djl,djl")).getMessage());
        try (SlimModel a = SlimModel.create("mlp", 10, 0.25, 0)) {
            assertEquals("runtime(onnx) times the models; it needs latency, so drop noLatency(true)",
                    assertThrows(IllegalArgumentException.class,
                            () -> Comparison.of(List.of(a), null, false, List.of("onnx"))).getMessage());
        }
    }
}
