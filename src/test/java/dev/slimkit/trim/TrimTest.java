package dev.slimkit.trim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.slimkit.Slim;
import dev.slimkit.step.StepResult;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.io.ModelIO;
import dev.slimkit.model.Layer;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.FitLoop;
import dev.slimkit.train.TrainConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrimTest {

    private static final ImageData DATA = Datasets.synthetic(4, 128, 32, 5);

    @TempDir Path dir;

    @Test
    void cnnSmallTrimIsEquivalentAndCountsAreExact() {
        try (SlimModel model = SlimModel.create("cnn-small", 10, 1.0, 3)) {
            // move BN statistics away from their defaults so the check means something
            FitLoop.fit(model, Datasets.synthetic(10, 64, 10, 1), TrainConfig.defaults().batchSize(16), List.of());
            TrimStep step = Slim.trim(model).remove(0.5).round(8);
            try (SlimModel trimmed = step.cut()) {
                assertTrue(step.equivalenceError() <= 1e-4, "max diff " + step.equivalenceError());
                ModelStats s = ModelStats.of(trimmed);
                // conv1 16·9+16, bn1 32, conv2 16·32·9+32, bn2 64, fc1 (32·49)·64+64, fc2 64·10+10
                assertEquals(160 + 32 + 4640 + 64 + 100_416 + 650, s.params());
                assertEquals(28L * 28 * 16 * 9 + 14L * 14 * 32 * 16 * 9 + 1568L * 64 + 64 * 10, s.macs());
                assertEquals(16, trimmed.spec().layers().get(0).out());
            }
        }
    }

    @Test
    void batchNormRecalibrationWinsBackWhatTheCutLost() {
        ImageData data = Datasets.synthetic(4, 512, 128, 11).validationSplit(0.25, 0);
        try (SlimModel model = SlimModel.create("resnet20", 4, 0.5, 1)) {
            FitLoop.fit(model, data, TrainConfig.defaults().batchSize(32).epochs(3), List.of());
            TrimStep stepOn = Slim.trim(model).remove(0.5).round(4).data(data).measureLatency(false).as("on");
            StepResult on = stepOn.run();
            StepResult off = Slim.trim(model).remove(0.5).round(4).data(data).measureLatency(false).recalibrate(false)
                    .as("off").run();
            double cut = on.metrics().get("accuracy right after the cut (validation)");
            double recalibrated = on.metrics().get("accuracy after batch-norm recalibration (validation)");
            assertEquals(cut, off.metrics().get("accuracy right after the cut (validation)"), 1e-12, "the same cut");
            assertTrue(recalibrated > cut + 0.1, "recalibration: " + cut + " -> " + recalibrated);
            try (SlimModel result = stepOn.outputs().get("on")) {
                assertEquals(recalibrated, dev.slimkit.train.Evaluator.evaluate(result, data.validation().orElseThrow(),
                        256).accuracy(), 1e-9, "the step returns the recalibrated model");
            }
            assertTrue(!off.metrics().containsKey("accuracy after batch-norm recalibration (validation)"));
            assertEquals("20 training batches after each cut", on.recipe().get("recalibrate"));
            assertEquals("off", off.recipe().get("recalibrate"));
            TrimDetail detail = on.detail(TrimDetail.class).orElseThrow();
            assertEquals(recalibrated, detail.cuts().get(0).accuracyAfterRecalibration(), 1e-12);
            assertTrue(Double.isNaN(off.detail(TrimDetail.class).orElseThrow().cuts().get(0).accuracyAfterRecalibration()));
        }
    }

    @Test
    void theModelBeforeTheCutTeachesTheFineTuneWhenAskedAndOnlyWhenThereIsOne() {
        try (SlimModel model = SlimModel.create("cnn-small", 4, 0.25, 1)) {
            FitLoop.fit(model, DATA, TrainConfig.defaults().batchSize(32), List.of());
            TrimStep taught = Slim.trim(model).remove(0.5).data(DATA).epochs(1).batch(32).measureLatency(false).as("a")
                    .teacher("input");
            TrimStep plain = Slim.trim(model).remove(0.5).data(DATA).epochs(1).batch(32).measureLatency(false).as("b");
            StepResult a = taught.run();
            StepResult b = plain.run();
            assertEquals("the input model before the cut (Hinton KD, T 4, alpha 0.7)", a.recipe().get("teacher"));
            assertEquals("none", b.recipe().get("teacher"), "no teacher unless asked");
            try (SlimModel ma = taught.outputs().get("a"); SlimModel mb = plain.outputs().get("b")) {
                float[] wa = ma.parameters().get("fc2.weight").getArray().toFloatArray();
                float[] wb = mb.parameters().get("fc2.weight").getArray().toFloatArray();
                assertTrue(!java.util.Arrays.equals(wa, wb), "the teacher's soft targets change the fine-tune");
            }
            TrimStep untuned = Slim.trim(model).remove(0.5).data(DATA).measureLatency(false).as("c").teacher("input");
            assertEquals("none (no fine-tune)", untuned.run().recipe().get("teacher"));
            untuned.outputs().values().forEach(SlimModel::close);
            assertEquals("teacher must be input, none or a model, got [best]; pass teacher(\"none\") for plain"
                    + " cross-entropy", assertThrows(IllegalArgumentException.class,
                            () -> Slim.trim(model).teacher("best")).getMessage());
        }
    }

    @Test
    void resnetGroupsAndTrimIsEquivalent() {
        try (SlimModel model = SlimModel.create("resnet20", 4, 0.5, 1)) {
            FitLoop.fit(model, DATA, TrainConfig.defaults().batchSize(32), List.of());
            List<ChannelGroup> groups = Groups.of(model.spec());
            assertEquals(12, groups.size());
            assertEquals("s1b1.conv1.out ⇒ s1b1.bn1, s1b1.conv2.in", groups.get(1).describe());
            assertEquals("s2b1.conv1", groups.get(4).producer());
            assertEquals(ChannelGroup.Kind.RESIDUAL, groups.get(5).kind());
            TrimStep step = Slim.trim(model).remove(0.5).round(4);
            try (SlimModel trimmed = step.cut()) {
                assertTrue(step.equivalenceError() <= 1e-4, "max diff " + step.equivalenceError());
                assertTrue(trimmed.spec().macs() < model.spec().macs());
                Layer s2b1 = trimmed.spec().layers().stream().filter(l -> l.name().equals("s2b1")).findFirst().orElseThrow();
                assertEquals(8, s2b1.body().get(0).out(), "inner conv 16 → 8");
                assertEquals(8, s2b1.body().get(3).out(), "the stage width is cut too (16 → 8)");
            }
        }
    }

    @Test
    void flattenGroupAndLinearGroups() {
        List<ChannelGroup> cnn = Groups.of(dev.slimkit.model.Architectures.spec("cnn-small", 10, 1));
        assertEquals(List.of("conv1.out ⇒ bn1, conv2.in", "conv2.out ⇒ bn2, fc1.in (×49)", "fc1.out ⇒ fc2.in"),
                cnn.stream().map(ChannelGroup::describe).toList());
        List<ChannelGroup> mlp = Groups.of(dev.slimkit.model.Architectures.spec("mlp", 10, 1));
        assertEquals(2, mlp.size());
    }

    @Test
    void roundingAndNeverEmpty() {
        assertEquals(24, WidthTarget.keptCount(32, 0.3, 8));
        assertEquals(32, WidthTarget.keptCount(64, 0.5, 8));
        assertEquals(8, WidthTarget.keptCount(64, 0.95, 8), "at least one multiple");
        assertEquals(6, WidthTarget.keptCount(6, 0.5, 8), "a narrow layer is not widened");
        assertEquals(1, WidthTarget.keptCount(4, 0.99, 1), "never empty");
        try (SlimModel model = SlimModel.create("lenet5", 10, 1.0, 0); SlimModel t = Slim.trim(model).remove(0.5).round(8).cut()) {
            for (Layer l : t.spec().layers()) {
                if (l.kind() == Layer.Kind.CONV || l.kind() == Layer.Kind.LINEAR) {
                    assertTrue(l.out() >= 1);
                }
            }
            assertEquals(6, t.spec().layers().get(0).out());
            assertEquals(8, t.spec().layers().get(3).out());
        }
    }

    @Test
    void blockRemovalKeepsShapesAndTrimmedModelsReload() throws Exception {
        try (SlimModel model = SlimModel.create("resnet20", 4, 0.25, 1)) {
            TrimStep step = Slim.trim(model).blocks(2).remove(0.5).data(DATA).epochs(1).measureLatency(false)
                    .config(TrainConfig.defaults().batchSize(32)).as("small");
            StepResult r = step.run();
            SlimModel small = step.model();
            long residuals = small.spec().layers().stream().filter(l -> l.kind() == Layer.Kind.RESIDUAL).count();
            assertEquals(7, residuals);
            try (NDManager m = small.manager().newSubManager()) {
                NDArray y = small.forward(m.zeros(small.inputShape(3)), false);
                assertEquals(new ai.djl.ndarray.types.Shape(3, 4), y.getShape());
            }
            assertTrue(r.metrics().get("MACs after / before") < 0.7);
            Path file = dir.resolve("small.slim");
            ModelIO.save(small, file);
            try (SlimModel back = ModelIO.load(file)) {
                assertEquals(small.spec(), back.spec());
                assertEquals(ModelStats.of(small).params(), ModelStats.of(back).params());
            }
            small.close();
        }
    }

    @Test
    void macsTargetIsMet() {
        try (SlimModel model = SlimModel.create("cnn-small", 10, 1.0, 0); SlimModel t = Slim.trim(model).macs(0.5).round(8).cut()) {
            assertTrue(t.spec().macs() <= 0.5 * model.spec().macs(), t.spec().macs() + " vs " + model.spec().macs());
        }
    }

    @Test
    void badInputNamesTheValue() {
        try (SlimModel model = SlimModel.create("resnet20", 4, 0.25, 0); SlimModel cnn = SlimModel.create("cnn-small", 4, 0.25, 0)) {
            assertEquals("remove(...) must be in (0, 1), got [1.0]; pass the fraction of channels to remove, e.g. 0.5",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(model).remove(1)).getMessage());
            assertEquals("cannot remove [7] blocks: model [resnet20] has 7 removable (identity) residual blocks; pass fewer than 7",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(model).blocks(7).validate()).getMessage());
            assertEquals("exclude pattern [fc9] matches no trimmable layer; layers: conv1, conv2, fc1 (or first, last)",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(cnn).remove(0.5).exclude("fc9").validate()).getMessage());
            assertEquals("nothing to trim; pass remove(...), macs(...), params(...), latency(...) or blocks(...)",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(cnn).validate()).getMessage());
        }
    }
}
