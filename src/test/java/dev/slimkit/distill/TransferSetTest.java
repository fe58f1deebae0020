package dev.slimkit.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.slimkit.Slim;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.data.ImageSplit;
import dev.slimkit.model.SlimModel;
import dev.slimkit.schedule.Schedule;
import dev.slimkit.step.StepResult;
import dev.slimkit.train.BatchLoss;
import dev.slimkit.train.FitLoop;
import dev.slimkit.train.TrainConfig;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Distillation with a transfer set of unlabelled images, and the teacher-logit cache. */
class TransferSetTest {

    private static final ImageData DATA = Datasets.synthetic(4, 256, 64, 11);

    private static SlimModel teacher() {
        SlimModel t = SlimModel.create("mlp", 4, 0.5, 9);
        FitLoop.fit(t, DATA, TrainConfig.defaults().batchSize(32), List.of());
        return t;
    }

    private static float maxDiff(SlimModel a, SlimModel b) {
        float d = 0;
        for (String key : a.parameters().keySet()) {
            float[] x = a.parameters().get(key).getArray().toFloatArray();
            float[] y = b.parameters().get(key).getArray().toFloatArray();
            for (int i = 0; i < x.length; i++) {
                d = Math.max(d, Math.abs(x[i] - y[i]));
            }
        }
        return d;
    }

    private static DistillStep step(SlimModel teacher) {
        return Slim.distill(teacher).student("mlp").width(0.25).studentSeed(3).data(DATA).temperature(4).alpha(0.7)
                .epochs(2).batch(32).seed(5).measureLatency(false);
    }

    @Test
    void cachedTeacherLogitsTrainTheSameStudentAsRunningTheTeacherEveryBatch() {
        try (SlimModel teacher = teacher()) {
            DistillStep cached = step(teacher);
            DistillStep live = step(teacher).cacheTeacher(false);
            StepResult rc = cached.run();
            StepResult rl = live.run();
            assertTrue(maxDiff(cached.student(), live.student()) < 1e-4f, "diff " + maxDiff(cached.student(), live.student()));
            assertTrue(maxDiff(cached.student(), SlimModel.create("mlp", 4, 0.25, 3)) > 1e-3f, "it trained");
            assertEquals(256, rc.metrics().get("teacher cache images"));
            assertEquals(256 * 4 * 4 / (double) (1 << 20), rc.metrics().get("teacher cache MiB"), 1e-12);
            assertTrue(rc.notes().stream().anyMatch(n -> n.startsWith("teacher logits computed once for 256 images")),
                    rc.notes().toString());
            assertFalse(rl.metrics().containsKey("teacher cache images"));
            assertEquals("computed once per data set", rc.recipe().get("teacher logits"));
            assertEquals("computed every batch", rl.recipe().get("teacher logits"));
            cached.student().close();
            live.student().close();
        }
    }

    @Test
    void theUnlabelledImagesTeachAndTheirLabelsAreNeverRead() {
        ImageData labelled = DATA.labels(32, 0);
        ImageSplit pool = DATA.labels(32, 0).unlabelled().orElseThrow();
        // The same pool images twice: once with their true labels, once with labels shuffled.
        int n = pool.size();
        ImageSplit truth = DATA.train().select(poolIndices(labelled));
        Integer[] boxed = box(truth.labels());
        java.util.Collections.shuffle(java.util.Arrays.asList(boxed), new Random(1));
        int[] wrong = java.util.Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
        assertFalse(java.util.Arrays.equals(wrong, truth.labels()));
        ImageData withTruth = new ImageData("truth", truth, null, DATA.test(), DATA.classNames());
        ImageData withWrong = new ImageData("wrong", relabel(truth, wrong), null, DATA.test(), DATA.classNames());
        assertEquals(n, truth.size());
        try (SlimModel teacher = teacher()) {
            DistillStep a = step(teacher).data(labelled).unlabelled(withTruth);
            DistillStep b = step(teacher).data(labelled).unlabelled(withWrong);
            DistillStep none = step(teacher).data(labelled);
            StepResult ra = a.run();
            b.run();
            none.run();
            assertEquals(0f, maxDiff(a.student(), b.student()), "labels of the unlabelled set change nothing");
            assertTrue(maxDiff(a.student(), none.student()) > 1e-3f, "the unlabelled images do change the training");
            assertEquals(224, ra.metrics().get("unlabelled images"));
            assertEquals(256, ra.metrics().get("teacher cache images"), "labelled + unlabelled, once");
            assertEquals(2 * 8, a.student().history().totalBatches(), "two passes over 256 images in batches of 32");
            a.student().close();
            b.student().close();
            none.student().close();
        }
    }

    @Test
    void theControlTrainsOnTheLabelledImagesForAsManyStepsAsTheStudent() {
        try (SlimModel teacher = teacher()) {
            ImageData labelled = DATA.labels(32, 0).validationSplit(0.25, 0); // 24 labelled train, 8 validation
            DistillStep s = step(teacher).data(labelled).unlabelled(labelled).control(true).epochs(1);
            StepResult r = s.run();
            assertEquals(24 + 224, r.metrics().get("teacher cache images"));
            long studentSteps = s.student().history().totalBatches();
            assertEquals(8, studentSteps, "248 images in batches of 32");
            assertEquals(8, s.controlModel().history().epochCount(), "24 labelled images: one step an epoch");
            assertEquals(studentSteps, s.controlModel().history().totalBatches());
            assertTrue(r.notes().contains("control trained 8 epoch(s) on the 24 labelled images: as many optimizer steps"
                    + " as the student's 1 epoch(s) on labelled + unlabelled"), r.notes().toString());
            assertTrue(Double.isFinite(s.student().history().epochs().get(0).validationAccuracy()),
                    "validation still reads the labelled set's validation split");
            double trainAccuracy = s.student().history().epochs().get(0).trainAccuracy();
            assertEquals(Math.round(trainAccuracy * 24), trainAccuracy * 24, 1e-9,
                    "training accuracy counts the 24 labelled images only, not the unlabelled ones: " + trainAccuracy);
            s.student().close();
            s.controlModel().close();
        }
    }

    @Test
    void aBatchWithoutLabelsGetsTheSoftTermAloneAndAMixedOneTheHardTermOfItsLabelledImages() {
        try (SlimModel teacher = SlimModel.create("mlp", 3, 0.25, 0); NDManager m = NDManager.newBaseManager()) {
            float[] teacherLogits = {3, 2, 1, 0, 0, 2};
            NDArray student = m.create(new float[] {1, 2, 3, 0.5f, -1, 0}, new Shape(2, 3));
            NDArray labels = m.create(new long[] {0, 2});
            NDArray images = m.zeros(new Shape(2, 1, 28, 28));
            NDArray t = m.create(teacherLogits, new Shape(2, 3));
            float soft = DistillationLoss.softTerm(student, t, 2f).getFloat();
            float hardFirst = BatchLoss.crossEntropy().compute(student.get("0:1"), labels.get("0:1"), null).getFloat();
            for (boolean[] mask : new boolean[][] {{true, false}, {false, false}}) {
                DistillationLoss loss = new DistillationLoss(teacher, Schedule.constant(2), Schedule.constant(0.3))
                        .cachedTeacher(teacherLogits).labelled(mask);
                loss.beforeBatch(images, labels, new int[] {0, 1}, 0, 2, 0);
                float total = loss.compute(student, labels, images).getFloat();
                float expected = mask[0] ? 0.3f * soft + 0.7f * hardFirst : 0.3f * soft;
                assertEquals(expected, total, 1e-5, "mask " + java.util.Arrays.toString(mask));
                assertEquals(mask[0], loss.components().containsKey(DistillationLoss.HARD));
            }
        }
    }

    @Test
    void badTransferSetsNameTheValueAndTheFix() {
        try (SlimModel teacher = SlimModel.create("mlp", 4, 0.25, 0)) {
            ImageData rgb = Datasets.synthetic(4, 16, 8, 3, 8, 8, 0.5f, 0);
            assertEquals("unlabelled(...) images [synthetic] are 3x8x8 but data(...) images are 1x28x28; pass unlabelled"
                    + " images of the same shape", assertThrows(IllegalArgumentException.class,
                            () -> step(teacher).unlabelled(rgb).validate()).getMessage());
            assertEquals("alpha(...) is 0, so the unlabelled(...) images would teach nothing; pass alpha > 0, e.g. 0.7",
                    assertThrows(IllegalArgumentException.class,
                            () -> step(teacher).alpha(0).unlabelled(DATA).validate()).getMessage());
        }
    }

    private static int[] poolIndices(ImageData labelled) {
        java.util.Set<String> kept = new java.util.HashSet<>();
        for (int i = 0; i < labelled.train().size(); i++) {
            kept.add(java.util.Arrays.toString(labelled.train().image(i)));
        }
        return java.util.stream.IntStream.range(0, DATA.train().size())
                .filter(i -> !kept.contains(java.util.Arrays.toString(DATA.train().image(i)))).toArray();
    }

    private static Integer[] box(int[] v) {
        return java.util.Arrays.stream(v).boxed().toArray(Integer[]::new);
    }

    private static ImageSplit relabel(ImageSplit s, int[] labels) {
        float[] px = new float[s.size() * s.itemSize()];
        for (int i = 0; i < s.size(); i++) {
            System.arraycopy(s.image(i), 0, px, i * s.itemSize(), s.itemSize());
        }
        return new ImageSplit(px, labels, s.channels(), s.height(), s.width(), s.numClasses());
    }
}
