package dev.slimkit.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.slimkit.Slim;
import dev.slimkit.step.StepResult;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.io.ModelIO;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.FitLoop;
import dev.slimkit.train.TrainConfig;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruneTest {

    private static final ImageData DATA = Datasets.synthetic(4, 256, 64, 21);

    @TempDir Path dir;

    private static boolean[] keepOf(Map<String, boolean[]> masks, String key) {
        return masks.get(key);
    }

    @Test
    void exactCountsAndDeterministicTies() {
        Map<String, float[]> scores = new LinkedHashMap<>();
        scores.put("a", new float[] {0.5f, 0.1f, 0.3f, 0.1f});
        scores.put("b", new float[] {0.1f, 0.9f});
        // global 50 % of 6 = 3: the three 0.1 scores, ties by position (a[1], a[3], b[0])
        Map<String, boolean[]> global = MaskSelector.select(scores, 0.5, MaskSelector.Scope.GLOBAL);
        assertArrayEquals(new boolean[] {true, false, true, false}, keepOf(global, "a"));
        assertArrayEquals(new boolean[] {false, true}, keepOf(global, "b"));
        // 0.4 of 6 = 2.4 → 2: a[1], a[3]
        Map<String, boolean[]> fewer = MaskSelector.select(scores, 0.4, MaskSelector.Scope.GLOBAL);
        assertArrayEquals(new boolean[] {true, false, true, false}, keepOf(fewer, "a"));
        assertArrayEquals(new boolean[] {true, true}, keepOf(fewer, "b"));
        // per layer 50 %: 2 of a (a[1], a[3]) and 1 of b (b[0])
        Map<String, boolean[]> layer = MaskSelector.select(scores, 0.5, MaskSelector.Scope.LAYER);
        assertArrayEquals(new boolean[] {true, false, true, false}, keepOf(layer, "a"));
        assertArrayEquals(new boolean[] {false, true}, keepOf(layer, "b"));
        // half-to-even rounding as Python: 0.25 × 2 = 0.5 → 0; 0.75 × 2 = 1.5 → 2
        assertArrayEquals(new boolean[] {true, true}, keepOf(MaskSelector.select(Map.of("b", new float[] {1, 2}), 0.25, MaskSelector.Scope.LAYER), "b"));
        assertArrayEquals(new boolean[] {false, false}, keepOf(MaskSelector.select(Map.of("b", new float[] {1, 2}), 0.75, MaskSelector.Scope.LAYER), "b"));
    }

    @Test
    void globalVersusPerLayerOnTwoLayers() {
        // layer a has small weights, b large: global pruning takes all of a first
        Map<String, float[]> scores = new LinkedHashMap<>();
        scores.put("a", new float[] {1, 2, 3, 4});
        scores.put("b", new float[] {10, 20, 30, 40});
        Map<String, boolean[]> global = MaskSelector.select(scores, 0.5, MaskSelector.Scope.GLOBAL);
        assertArrayEquals(new boolean[] {false, false, false, false}, keepOf(global, "a"));
        assertArrayEquals(new boolean[] {true, true, true, true}, keepOf(global, "b"));
        Map<String, boolean[]> layer = MaskSelector.select(scores, 0.5, MaskSelector.Scope.LAYER);
        assertArrayEquals(new boolean[] {false, false, true, true}, keepOf(layer, "a"));
        assertArrayEquals(new boolean[] {false, false, true, true}, keepOf(layer, "b"));
    }

    @Test
    void sameMasksAsTorchPrune() throws Exception {
        JsonObject f;
        try (var in = getClass().getResourceAsStream("/prune/torch_prune_fixture.json")) {
            f = new Gson().fromJson(new InputStreamReader(in, StandardCharsets.UTF_8), JsonObject.class);
        }
        Map<String, float[]> scores = new LinkedHashMap<>();
        for (String key : List.of("conv.weight", "fc.weight")) {
            float[] w = new Gson().fromJson(f.get(key), float[].class);
            scores.put(key, Importance.l1().scores(key, w));
        }
        for (String kind : List.of("global", "layer")) {
            Map<String, boolean[]> mine = MaskSelector.select(scores, f.get("amount").getAsDouble(),
                    kind.equals("global") ? MaskSelector.Scope.GLOBAL : MaskSelector.Scope.LAYER);
            for (String key : scores.keySet()) {
                int[] torch = new Gson().fromJson(f.getAsJsonObject(kind + "_mask").get(key), int[].class);
                boolean[] expected = new boolean[torch.length];
                for (int i = 0; i < torch.length; i++) {
                    expected[i] = torch[i] == 1;
                }
                assertArrayEquals(expected, mine.get(key), kind + " " + key);
            }
        }
    }

    @Test
    void agpFollowsTheFormula() {
        for (int j = 0; j <= 10; j++) {
            double t = j / 10.0;
            assertEquals(0.9 + (0 - 0.9) * Math.pow(1 - t, 3), PruneStep.agpTarget(0.9, j, 10), 1e-12);
        }
    }

    @Test
    void masksSurviveTrainingAndSaveLoad() throws Exception {
        try (SlimModel model = SlimModel.create("cnn-small", 4, 0.25, 2)) {
            StepResult r = Slim.prune(model).sparsity(0.8).exclude("first").measureLatency(false).run();
            assertEquals(0.8, r.metrics().get("achieved sparsity (pruned layers)"), 1e-3);
            float[] conv1 = model.parameters().get("conv1.weight").getArray().toFloatArray();
            assertTrue(nonzero(conv1) == conv1.length, "excluded layer untouched");
            float[] fc1Before = model.parameters().get("fc1.weight").getArray().toFloatArray();
            long zerosBefore = fc1Before.length - nonzero(fc1Before);
            FitLoop.fit(model, DATA.limit(50 * 4), TrainConfig.defaults().batchSize(4), List.of()); // 50 steps
            float[] fc1After = model.parameters().get("fc1.weight").getArray().toFloatArray();
            for (int i = 0; i < fc1After.length; i++) {
                if (fc1Before[i] == 0f) {
                    assertEquals(0f, fc1After[i], 0f, "pruned weight " + i + " moved");
                }
            }
            assertTrue(fc1After.length - nonzero(fc1After) >= zerosBefore);
            Path file = dir.resolve("p.slim");
            long size = ModelIO.save(model, file);
            assertTrue(size < 0.45 * r.metrics().get("dense file bytes"), "saved " + size + " vs dense " + r.metrics().get("dense file bytes"));
            try (SlimModel back = ModelIO.load(file)) {
                assertEquals(model.mask().orElseThrow().paths(), back.mask().orElseThrow().paths());
                for (String key : model.parameters().keySet()) {
                    assertArrayEquals(model.parameters().get(key).getArray().toFloatArray(),
                            back.parameters().get(key).getArray().toFloatArray(), 0f, key);
                }
                FitLoop.fit(back, DATA.limit(64), TrainConfig.defaults().batchSize(16), List.of());
                float[] again = back.parameters().get("fc1.weight").getArray().toFloatArray();
                for (int i = 0; i < again.length; i++) {
                    if (fc1After[i] == 0f) {
                        assertEquals(0f, again[i], 0f, "mask re-applied after reload, weight " + i);
                    }
                }
            }
        }
    }

    @Test
    void agpFineTuneReachesTargetAndAsLeavesSourceUnchanged() {
        try (SlimModel model = SlimModel.create("mlp", 4, 0.5, 1)) {
            FitLoop.fit(model, DATA, TrainConfig.defaults().batchSize(32), List.of());
            float[] before = model.parameters().get("fc1.weight").getArray().toFloatArray();
            PruneStep step = Slim.prune(model).sparsity(0.9).mode(PruneStep.Mode.AGP).pruneSteps(4).epochs(2).data(DATA)
                    .as("sparse").measureLatency(false);
            StepResult r = step.run();
            assertArrayEquals(before, model.parameters().get("fc1.weight").getArray().toFloatArray(), 0f);
            assertEquals(4, step.scheduleLog().size());
            assertEquals(0.9, step.scheduleLog().get(3)[1], 1e-12);
            assertTrue(step.scheduleLog().get(0)[1] < step.scheduleLog().get(1)[1]);
            assertEquals(0.9, r.metrics().get("achieved sparsity (pruned layers)"), 1e-3);
            assertTrue(r.accuracy() > 0.8, "accuracy " + r.accuracy());
            step.model().close();
        }
    }

    @Test
    void sensitivityLeavesModelUnchanged() {
        try (SlimModel model = SlimModel.create("lenet5", 4, 1, 1)) {
            float[] before = model.parameters().get("conv2.weight").getArray().toFloatArray();
            Sensitivity.Result r = Sensitivity.scan(model, DATA.test(), new double[] {0.5, 0.9}, null);
            assertEquals(List.of("conv1", "conv2", "fc1", "fc2", "fc3"), List.copyOf(r.accuracy().keySet()));
            assertEquals(2, r.accuracy().get("fc1").length);
            assertArrayEquals(before, model.parameters().get("conv2.weight").getArray().toFloatArray(), 0f);
        }
    }

    @Test
    void badInputNamesTheValue() {
        try (SlimModel model = SlimModel.create("mlp", 4, 0.25, 1)) {
            assertEquals("sparsity must be in [0, 1), got [1.5]; pass a fraction such as 0.8",
                    assertThrows(IllegalArgumentException.class, () -> Slim.prune(model).sparsity(1.5)).getMessage());
            assertEquals("unknown criterion [l3]; choose l1 or l2",
                    assertThrows(IllegalArgumentException.class, () -> Slim.prune(model).criterion("l3")).getMessage());
            assertEquals("exclude pattern [conv*] matches no layer; layers: fc1, fc2, fc3 (or first, last)",
                    assertThrows(IllegalArgumentException.class, () -> Slim.prune(model).exclude("conv*").validate()).getMessage());
            assertEquals("the agp schedule prunes during fine-tuning; pass epochs(...) 1 or more, or use mode(oneshot)",
                    assertThrows(IllegalArgumentException.class, () -> Slim.prune(model).mode(PruneStep.Mode.AGP).validate()).getMessage());
            assertEquals(0, model.mask().map(m -> 1).orElse(0), "nothing changed");
        }
    }

    private static long nonzero(float[] values) {
        long n = 0;
        for (float v : values) {
            n += v != 0f ? 1 : 0;
        }
        return n;
    }
}
