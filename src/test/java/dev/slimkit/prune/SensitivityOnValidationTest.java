package dev.slimkit.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.data.ImageSplit;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.Evaluator;
import dev.slimkit.train.FitLoop;
import dev.slimkit.train.TrainConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A sensitivity scan is a choice: it reads the validation split, never the test split. */
class SensitivityOnValidationTest {

    /**
     * A set whose test split is deliberately different: the same test images with every label
     * moved to the next class, so a model that fits the task scores near 0 on it and a scan that
     * read it would show a baseline near 0.
     */
    private static ImageData poisonedTest(ImageData d) {
        ImageSplit t = d.test();
        int[] wrong = t.labels();
        for (int i = 0; i < wrong.length; i++) {
            wrong[i] = (wrong[i] + 1) % t.numClasses();
        }
        float[] px = new float[t.size() * t.itemSize()];
        for (int i = 0; i < t.size(); i++) {
            System.arraycopy(t.image(i), 0, px, i * t.itemSize(), t.itemSize());
        }
        ImageSplit test = new ImageSplit(px, wrong, t.channels(), t.height(), t.width(), t.numClasses());
        return new ImageData(d.name(), d.train(), d.validation().orElse(null), test, d.classNames());
    }

    @Test
    void theScanReadsTheValidationSplitNotTheTestSplit() {
        ImageData data = poisonedTest(Datasets.synthetic(4, 320, 64, 4).validationSplit(0.2, 0));
        try (SlimModel model = SlimModel.create("mlp", 4, 0.25, 1)) {
            FitLoop.fit(model, data, TrainConfig.defaults().batchSize(32).epochs(2), List.of());
            double val = Evaluator.evaluate(model, data.validation().orElseThrow(), 256).accuracy();
            double test = Evaluator.evaluate(model, data.test(), 256).accuracy();
            assertTrue(val > 0.9 && test < 0.1, "val " + val + ", poisoned test " + test);
            Sensitivity.Result r = Sensitivity.scan(model, data, new double[] {0.5}, null);
            assertEquals(val, r.baseline(), 0.0);
            assertEquals("validation", r.split());
            assertNull(r.note());
            Sensitivity.Result direct = Sensitivity.scan(model, data.validation().orElseThrow(), new double[] {0.5}, null);
            assertArrayEquals(direct.accuracy().get("fc1"), r.accuracy().get("fc1"), 0.0);
        }
    }

    @Test
    void withoutAValidationSplitTheScanReadsACarvedOneAndSaysSo() {
        ImageData data = poisonedTest(Datasets.synthetic(4, 320, 64, 4));
        try (SlimModel model = SlimModel.create("mlp", 4, 0.25, 1)) {
            FitLoop.fit(model, data, TrainConfig.defaults().batchSize(32).epochs(2), List.of());
            Sensitivity.Result r = Sensitivity.scan(model, data, new double[] {0.5}, null);
            assertEquals(Evaluator.evaluate(model, data.choiceSplit().split(), 256).accuracy(), r.baseline(), 0.0);
            assertTrue(r.baseline() > 0.9, "not the poisoned test split: " + r.baseline());
            assertEquals("carved validation", r.split());
            assertTrue(r.note().startsWith("synthetic has no validation split: this choice read 32 of its training images"),
                    r.note());
        }
    }
}
