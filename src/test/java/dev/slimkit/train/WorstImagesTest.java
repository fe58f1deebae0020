package dev.slimkit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.data.ImageSplit;
import dev.slimkit.model.SlimModel;
import dev.slimkit.report.ImageGrid;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorstImagesTest {

    private static final ImageData DATA = Datasets.synthetic(3, 8, 23, 5);

    @Test
    void lossPredictionAndProbabilityFromLogits() {
        // logits 2, 0, -1 for an image of class 1
        TopLoss t = Evaluator.topLoss(4, 1, new float[] {9, 9, 9, 2, 0, -1}, 3, 3);
        double sum = Math.exp(2) + Math.exp(0) + Math.exp(-1);
        assertEquals(4, t.index());
        assertEquals(1, t.trueClass());
        assertEquals(0, t.predicted());
        assertEquals(Math.exp(2) / sum, t.probability(), 1e-9);
        assertEquals(Math.log(sum), t.loss(), 1e-9);
        assertEquals(1 / sum, t.trueProbability(), 1e-9);
        assertFalse(t.correct());
        // huge logits stay finite
        TopLoss big = Evaluator.topLoss(0, 0, new float[] {1000, -1000}, 0, 2);
        assertEquals(0, big.loss(), 1e-9);
        assertEquals(1, big.probability(), 1e-9);
    }

    @Test
    void worstAreTheHighestLossImagesHighestFirst() {
        ImageSplit test = DATA.test();
        try (SlimModel model = SlimModel.create("mlp", 3, 0.25, 3)) {
            List<TopLoss> all = Evaluator.worst(model, test, 100, 5); // more than the split: all 23
            assertEquals(23, all.size());
            for (int i = 1; i < all.size(); i++) {
                assertTrue(all.get(i - 1).loss() >= all.get(i).loss(), "sorted by loss, highest first");
            }
            assertEquals(23, all.stream().mapToInt(TopLoss::index).distinct().count());
            List<TopLoss> worst = Evaluator.worst(model, test, 4, 7); // other batch size, 4 batches
            assertEquals(all.subList(0, 4).stream().map(TopLoss::index).toList(),
                    worst.stream().map(TopLoss::index).toList(), "the top of the full ranking, whatever the batching");
            for (int i = 0; i < 4; i++) {
                assertEquals(all.get(i).loss(), worst.get(i).loss(), 1e-4);
            }
            // each record matches the model's own output on that image
            GradMode.disableOnThisThread();
            for (TopLoss t : worst) {
                assertEquals(test.label(t.index()), t.trueClass());
                try (NDManager m = model.manager().newSubManager()) {
                    NDArray p = model.forward(test.batchImages(m, new int[] {t.index()}, 0, 1), false).softmax(1);
                    float[] probs = p.toFloatArray();
                    assertEquals(p.argMax(1).getLong(), t.predicted());
                    assertEquals(probs[t.predicted()], t.probability(), 1e-4);
                    assertEquals(-Math.log(probs[t.trueClass()]), t.loss(), 1e-3);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> Evaluator.worst(model, test, 0));
            ImageSplit wrongClasses = Datasets.synthetic(4, 8, 8, 5).test();
            assertThrows(IllegalArgumentException.class, () -> Evaluator.worst(model, wrongClasses, 3));
        }
    }

    @Test
    void gridCaptionsFollowTheOrderGiven() {
        ImageSplit test = DATA.test();
        List<String> names = List.of("cat", "dog", "T-shirt/top");
        List<TopLoss> images = List.of(
                new TopLoss(5, 0, 1, 0.9712, 3.2),
                new TopLoss(2, 2, 2, 0.41, 0.89),
                new TopLoss(9, 1, 2, 0.5, 1.1));
        assertEquals(List.of("cat → dog (0.97)", "T-shirt/top → T-shirt/top (0.41)", "dog → T-shirt/top (0.50)"),
                ImageGrid.captions(images, names));
        BufferedImage grid = ImageGrid.worst(test, images, names, null, 2, 60);
        assertEquals(2 * (60 + 8) + 8, grid.getWidth(), "two columns of 60 px tiles, 8 px apart");
        assertTrue(grid.getHeight() > 2 * 60, "two rows of 60 px images with captions");
        BufferedImage titled = ImageGrid.worst(test, images, names, "m: 3 test images with the highest loss", 2, 60);
        assertTrue(titled.getWidth() > grid.getWidth(), "widened to fit the title");
        assertTrue(titled.getHeight() > grid.getHeight());
        BufferedImage one = ImageGrid.worst(test, images.subList(0, 1), names, null, 8, 56);
        assertEquals(56 + 16, one.getWidth(), "a single image makes a one-column grid");
        assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.worst(test, List.of(new TopLoss(99, 0, 0, 1, 0)), names, "t"));
        assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.caption(new TopLoss(0, 3, 0, 1, 0), names));
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.worst(test, List.of(), names, "t"));
    }
}
