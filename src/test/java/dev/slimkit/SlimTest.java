package dev.slimkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.data.ImageData;
import dev.slimkit.step.StepResult;
import dev.slimkit.model.SlimModel;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SlimTest {

    @Test
    void facadeTrainsEvaluatesAndReports() {
        ImageData data = Slim.data("synthetic").limit(256).testLimit(100);
        try (SlimModel model = Slim.model("mlp").classes(10).width(0.5).seed(3).build()) {
            StepResult r = Slim.train(model, data).epochs(1).batch(32).run();
            assertEquals("train", r.step());
            assertEquals(1, r.epochs().size());
            assertEquals(100, r.evaluationAfter().total());
            assertTrue(r.accuracy() > 0.5, "accuracy " + r.accuracy());
            assertEquals(Slim.stats(model).params(), r.after().params());
            assertTrue(r.recipe().get("training").startsWith("1 epoch(s), batch 32, adam"));
        }
    }

    @Test
    void sameSeedSameWeightsOtherSeedOther() {
        try (SlimModel a = Slim.model("lenet5").classes(10).seed(5).build();
                SlimModel b = Slim.model("lenet5").classes(10).seed(5).build();
                SlimModel c = Slim.model("lenet5").classes(10).seed(6).build()) {
            float[] wa = a.parameters().get("conv1.weight").getArray().toFloatArray();
            assertEquals(java.util.Arrays.toString(wa),
                    java.util.Arrays.toString(b.parameters().get("conv1.weight").getArray().toFloatArray()));
            assertNotEquals(java.util.Arrays.toString(wa),
                    java.util.Arrays.toString(c.parameters().get("conv1.weight").getArray().toFloatArray()));
        }
    }

    @Test
    void copyIsIndependent() {
        ImageData data = Slim.data("synthetic").limit(64);
        try (SlimModel a = Slim.model("mlp").classes(10).width(0.25).seed(1).build(); SlimModel b = a.copy("b")) {
            float before = a.parameters().get("fc1.weight").getArray().toFloatArray()[0];
            Slim.train(b, data).batch(16).run();
            assertEquals(before, a.parameters().get("fc1.weight").getArray().toFloatArray()[0]);
            assertEquals(0, a.history().epochCount());
            assertEquals(1, b.history().epochCount());
        }
    }

    @Test
    void badInputNamesValueAndFix() {
        assertEquals("unknown architecture [resnet50]; choose one of mlp, lenet5, cnn-small, resnet20",
                assertThrows(IllegalArgumentException.class, () -> Slim.model("resnet50").classes(10).build()).getMessage());
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Slim.load(Path.of("/nonexistent/m.slim")));
        assertEquals("no model file at [/nonexistent/m.slim]; check the path (save with %save or Slim.save)", e.getMessage());
        try (SlimModel m = Slim.model("mlp").classes(10).build()) {
            assertEquals("epochs(...) must be >= 1, got [-2]; pass e.g. 1",
                    assertThrows(IllegalArgumentException.class, () -> Slim.train(m, Slim.data("synthetic")).epochs(-2)).getMessage());
        }
    }
}
