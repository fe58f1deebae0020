package dev.slimkit.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.io.ModelIO;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.FitListener;
import dev.slimkit.train.FitLoop;
import dev.slimkit.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {

    private static final ImageData DATA = Datasets.synthetic(4, 256, 64, 11);

    @TempDir Path dir;
    private final List<SlimModel> toClose = new java.util.ArrayList<>();

    @AfterEach
    void close() {
        toClose.stream().distinct().forEach(m -> {
            if (m.manager().isOpen()) {
                m.close();
            }
        });
    }

    private SlimModel trainedBase() {
        SlimModel base = SlimModel.create("base", dev.slimkit.model.Architectures.spec("cnn-small", 4, 0.25, 1, 28, 28), 1);
        FitLoop.fit(base, DATA, TrainConfig.defaults().batchSize(32), List.of());
        toClose.add(base);
        return base;
    }

    private Pipeline pipeline(SlimModel base, double trimChannels) {
        return new Pipeline(base).data(DATA).dir(dir).measureLatency(false)
                .train(t -> t.epochs(1).batch(32))
                .prune(p -> p.sparsity(0.5).epochs(1).batch(32))
                .trim(t -> t.remove(trimChannels).round(2).epochs(1).batch(32));
    }

    private PipelineResult run(Pipeline p) {
        PipelineResult r = p.run();
        toClose.addAll(p.outputs().values());
        return r;
    }

    @Test
    void threeStagesSaveArtifactsKeepZerosAndResumeFromTheFirstChange() throws Exception {
        SlimModel base = trainedBase();
        PipelineResult first = run(pipeline(base, 0.5));
        assertEquals(List.of("base-slim-train", "base-slim-prune", "base-slim-trim"),
                first.stages().stream().map(PipelineResult.Row::model).toList());
        assertTrue(first.stages().stream().allMatch(r -> r.status() == PipelineResult.Status.RAN));
        for (String f : List.of("01-train", "02-prune", "03-trim")) {
            assertTrue(Files.isRegularFile(dir.resolve(f + ".slim")) && Files.isRegularFile(dir.resolve(f + ".json")), f);
        }
        SlimModel trimmed = first.finalModel();
        assertEquals(4, trimmed.spec().layers().get(0).out(), "8 → 4 channels");
        assertTrue(trimmed.mask().isPresent(), "the pruned zeros stay masked in the trimmed model");
        ModelStats s = ModelStats.of(trimmed);
        assertTrue(s.sparsity() > 0.3, "sparsity after prune → trim " + s.sparsity());
        assertEquals(s.nonzeroParams(), first.stages().get(2).yardsticks().nonzeroParams());
        Yardsticks y = first.stages().get(2).yardsticks();
        assertEquals(Files.size(dir.resolve("03-trim.slim")), y.fileBytes());
        assertTrue(y.worstRecall() <= y.macroRecall() && y.macroRecall() <= 1);

        PipelineResult changed = run(pipeline(base, 0.25).resume(true));
        assertEquals(List.of(PipelineResult.Status.REUSED, PipelineResult.Status.REUSED, PipelineResult.Status.RAN),
                changed.stages().stream().map(PipelineResult.Row::status).toList());
        assertEquals(6, changed.finalModel().spec().layers().get(0).out(), "the changed last line reran: 8 → 6");
        assertEquals(first.stages().get(1).key(), changed.stages().get(1).key());
        assertEquals(first.stages().get(1).yardsticks(), changed.stages().get(1).yardsticks(),
                "a reused stage reports the figures saved when it ran");

        PipelineResult again = run(pipeline(base, 0.25).resume(true));
        assertTrue(again.stages().stream().allMatch(r -> r.status() == PipelineResult.Status.REUSED));
    }

    @Test
    void anInterruptInStageTwoKeepsStageOneOnDiskAndStageTwosModel() throws Exception {
        SlimModel base = trainedBase();
        Pipeline p = pipeline(base, 0.5).listeners(model -> new FitListener() {
            private int batches;

            @Override
            public void onBatch(BatchProgress progress) {
                if (model.name().endsWith("-prune") && ++batches == 2) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        PipelineResult r = run(p);
        assertTrue(r.interrupted());
        assertFalse(Thread.currentThread().isInterrupted());
        assertEquals(List.of(PipelineResult.Status.RAN, PipelineResult.Status.INTERRUPTED),
                r.stages().stream().map(PipelineResult.Row::status).toList());
        try (SlimModel reloaded = ModelIO.load(dir.resolve("01-train.slim"))) {
            assertEquals(base.spec(), reloaded.spec());
        }
        assertFalse(Files.exists(dir.resolve("02-prune.slim")), "an unfinished stage leaves no artifact");
        SlimModel pruned = p.outputs().get("base-slim-prune");
        assertNotNull(pruned);
        assertTrue(pruned.mask().isPresent());
        assertEquals(2, pruned.history().totalBatches() - base.history().totalBatches() - 8, "two batches into stage 2");
    }

    @Test
    void aBaseForAnotherClassCountTransfersAndHasNoAccuracyOfItsOwn() {
        SlimModel base = SlimModel.create("base3", dev.slimkit.model.Architectures.spec("mlp", 3, 0.25, 1, 28, 28), 1);
        toClose.add(base);
        Pipeline p = new Pipeline(base).data(DATA).measureLatency(false).transfer(t -> t.epochs(1).batch(32));
        PipelineResult r = run(p);
        assertTrue(Double.isNaN(r.base().yardsticks().accuracy()), "a 3-class base has no accuracy on 4 classes");
        assertEquals(base.spec().macs(), r.base().yardsticks().macs(), "its size figures still stand");
        assertEquals(4, r.finalModel().spec().classes(), "the transfer gave it a 4-class head");
        assertTrue(r.stages().get(0).yardsticks().accuracy() > 0);
    }

    @Test
    void badSetUpsAreRefusedBeforeAnythingRuns() throws Exception {
        SlimModel base = trainedBase();
        assertEquals("the pipeline has no stages; write one stage a line, e.g. prune --sparsity 0.8 --epochs 1",
                assertThrows(IllegalArgumentException.class, () -> new Pipeline(base).data(DATA).run()).getMessage());
        assertEquals("prune stage: sparsity must be in [0, 1), got [1.5]; pass a fraction such as 0.8",
                assertThrows(IllegalArgumentException.class,
                        () -> new Pipeline(base).data(DATA).prune(p -> p.sparsity(1.5)).validate()).getMessage());
        Files.writeString(dir.resolve("pipeline.json"), "{\"base\": \"0123\", \"stages\": []}");
        assertEquals("dir(...) [" + dir + "] holds another pipeline's artifacts (another base); pass resume(true) to"
                + " reuse what still matches, or choose another dir(...)",
                assertThrows(IllegalArgumentException.class, () -> pipeline(base, 0.5).validate()).getMessage());
        assertEquals(0, Files.list(dir).filter(f -> f.toString().endsWith(".slim")).count(), "nothing ran");
    }
}
