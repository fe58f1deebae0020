package dev.slimkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link ImageData#labels}: a labelled part and an unlabelled pool; {@link ImageData#choiceSplit()}. */
class LabelledPoolTest {

    /** 4 classes, 400 training images, every image distinct. */
    private static final ImageData DATA = Datasets.synthetic(4, 400, 40, 3);

    private static Set<String> images(ImageSplit s) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < s.size(); i++) {
            out.add(Arrays.toString(s.image(i)));
        }
        return out;
    }

    @Test
    void labelsKeepABalancedSeededDrawAndPoolTheRestWithoutLabels() {
        // an unbalanced set: class 0 keeps its 100 images, classes 1-3 20 each
        int[] pick = java.util.stream.IntStream.range(0, 400).filter(i -> i % 4 == 0 || i < 80).toArray();
        ImageData skewed = new ImageData("skewed", DATA.train().select(pick), null, DATA.test(), DATA.classNames());
        assertArrayEquals(new int[] {100, 20, 20, 20}, skewed.train().classCounts());
        assertArrayEquals(new int[] {40, 20, 20, 20}, skewed.labels(100, 0).train().classCounts(),
                "each class's k-th image before any class's (k+1)-th: a small class gives all it has");
        ImageData d = DATA.labels(42, 1);
        assertEquals(42, d.train().size());
        int[] kept = d.train().classCounts();
        Arrays.sort(kept);
        assertArrayEquals(new int[] {10, 10, 11, 11}, kept, "as equal per class as 42 / 4 allows");
        ImageSplit pool = d.unlabelled().orElseThrow();
        assertEquals(358, pool.size());
        assertTrue(Arrays.stream(pool.labels()).allMatch(l -> l == 0), "the pool carries no labels");
        Set<String> all = images(DATA.train());
        Set<String> labelled = images(d.train());
        Set<String> unlabelled = images(pool);
        assertEquals(0, labelled.stream().filter(unlabelled::contains).count(), "no image is in both parts");
        Set<String> union = new HashSet<>(labelled);
        union.addAll(unlabelled);
        assertEquals(all, union, "together they are the training split");
        assertEquals(labelled, images(DATA.labels(42, 1).train()), "same seed, same draw");
        assertNotEquals(labelled, images(DATA.labels(42, 2).train()), "another seed, another draw");
        assertSame(d.test(), d.test());
        assertEquals(DATA.test().size(), d.test().size(), "the test split is untouched");
        assertTrue(d.toString().contains("42 train (labelled) + 358 unlabelled"), d.toString());
    }

    @Test
    void aValidationSplitAfterLabelsComesFromTheLabelledImagesAndThePoolSurvives() {
        ImageData d = DATA.labels(40, 0).validationSplit(0.25, 0).limit(20).testLimit(10);
        assertEquals(20, d.train().size());
        assertEquals(10, d.validation().orElseThrow().size());
        assertEquals(360, d.unlabelled().orElseThrow().size());
        assertEquals(10, d.test().size());
        ImageData two = DATA.labels(40, 0).classes(1, 3);
        assertEquals(20, two.train().size());
        assertEquals(180, two.unlabelled().orElseThrow().size(), "the class filter applies to the pool too");
        assertEquals(2, two.unlabelled().orElseThrow().numClasses());
    }

    @Test
    void transferImagesAreThePoolElseTheTrainingImagesWithoutLabels() {
        ImageData d = DATA.labels(100, 0);
        assertEquals(images(d.unlabelled().orElseThrow()), images(d.transferImages()));
        assertFalse(DATA.unlabelled().isPresent());
        ImageSplit t = DATA.transferImages();
        assertEquals(images(DATA.train()), images(t));
        assertTrue(Arrays.stream(t.labels()).allMatch(l -> l == 0));
    }

    @Test
    void badLabelCountsNameTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DATA.labels(0, 0));
        assertEquals("labels(...) must keep between 1 and 399 of the 400 training images labelled, got [0]; pass e.g. 40",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DATA.labels(400, 0));
        assertEquals("labels(...) must keep between 1 and 399 of the 400 training images labelled, got [400]; pass e.g. 40",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ImageSplit.concat(DATA.train(),
                Datasets.synthetic(4, 10, 10, 3, 8, 8, 0.5f, 0).train()));
        assertEquals("cannot join 1x28x28 images of 4 classes with 3x8x8 images of 4 classes; both sets need the same"
                + " image shape", e.getMessage());
    }

    @Test
    void choicesReadTheValidationSplitOrACarvedOneWithANote() {
        ImageData withVal = DATA.validationSplit(0.2, 5);
        ImageData.ChoiceSplit c = withVal.choiceSplit();
        assertSame(withVal.validation().orElseThrow(), c.split());
        assertEquals("validation", c.name());
        assertNull(c.note());

        ImageData.ChoiceSplit carved = DATA.choiceSplit();
        assertEquals(40, carved.split().size());
        assertEquals("carved validation", carved.name());
        assertEquals("synthetic has no validation split: this choice read 40 of its training images (10%, seed 0), which"
                + " training may have seen; give the data a validation split (validationSplit(...)) for a clean choice",
                carved.note());
        Set<String> train = images(DATA.train());
        assertTrue(train.containsAll(images(carved.split())), "carved from training, not test");
        assertEquals(0, images(carved.split()).stream().filter(images(DATA.test())::contains).count());
    }
}
