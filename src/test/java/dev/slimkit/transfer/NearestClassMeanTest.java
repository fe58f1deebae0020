package dev.slimkit.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.data.ImageSplit;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.FitLoop;
import dev.slimkit.train.TrainConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class NearestClassMeanTest {

    @Test
    void meansAndNearestByHand() {
        // 1×1×2 "images": class 0 at (0,0) and (2,0) → mean (1,0); class 1 at (0,4) and (0,6) → mean (0,5)
        ImageSplit labelled = new ImageSplit(new float[] {0, 0, 2, 0, 0, 4, 0, 6}, new int[] {0, 0, 1, 1}, 1, 1, 2, 2);
        try (SlimModel any = SlimModel.create("mlp", 2, 0.25, 0)) {
            NearestClassMean ncm = NearestClassMean.fit(any, 0, labelled);
            assertArrayEquals(new float[] {1, 0}, ncm.means()[0], 0f);
            assertArrayEquals(new float[] {0, 5}, ncm.means()[1], 0f);
            // (1,1): 1 from mean 0, 17 from mean 1; (0,3.5): 13.25 vs 2.25; (3,3): 13 vs 13 → the first (0)
            ImageSplit test = new ImageSplit(new float[] {1, 1, 0, 3.5f, 3, 3}, new int[] {0, 1, 1}, 1, 1, 2, 2);
            assertArrayEquals(new int[] {0, 1, 0}, ncm.predict(test));
            assertEquals(2.0 / 3, ncm.accuracy(test), 1e-12);
        }
    }

    @Test
    void onTheBackboneItClassifiesByTheFeaturesBeforeTheHead() {
        ImageData data = Datasets.synthetic(4, 256, 64, 1, 28, 28, 1.0f, 9);
        try (SlimModel m = SlimModel.create("cnn-small", 4, 0.25, 2)) {
            FitLoop.fit(m, data, TrainConfig.defaults().batchSize(32), List.of());
            ImageSplit fewLabels = data.train().limit(40);
            NearestClassMean ncm = NearestClassMean.onBackbone(m, fewLabels);
            int layers = m.spec().layers().size();
            ImageSplit f = FeatureCache.featuresOf(m, layers - 1, data.test());
            assertEquals(m.spec().layers().get(layers - 3).out(), f.itemSize(), "fc1's outputs (after relu3)");
            assertArrayEquals(NearestClassMean.nearest(ncm.means(), f), ncm.predict(data.test()));
            double acc = ncm.accuracy(data.test());
            assertTrue(acc > 0.6, "nearest class mean on trained features " + acc + " (chance 0.25)");
        }
    }

    @Test
    void aClassWithoutLabelsOrBadLayerCountIsOneLine() {
        ImageSplit oneClass = new ImageSplit(new float[] {0, 1}, new int[] {0}, 1, 1, 2, 2);
        try (SlimModel any = SlimModel.create("mlp", 2, 0.25, 0)) {
            assertEquals("class [1] has no labelled image, so it has no mean; give every class at least one",
                    assertThrows(IllegalArgumentException.class, () -> NearestClassMean.fit(any, 0, oneClass)).getMessage());
            int layers = any.spec().layers().size();
            assertEquals("nearest class mean needs 0 to " + (layers - 1) + " layers of [mlp] as features, got [" + layers + "]",
                    assertThrows(IllegalArgumentException.class, () -> NearestClassMean.fit(any, layers, oneClass)).getMessage());
        }
    }
}
