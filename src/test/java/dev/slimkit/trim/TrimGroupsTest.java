package dev.slimkit.trim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.Slim;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.data.ImageSplit;
import dev.slimkit.model.Architectures;
import dev.slimkit.model.Layer;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.step.StepResult;
import dev.slimkit.train.FitLoop;
import dev.slimkit.train.TrainConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Residual-coupled groups, group criteria, global ranking, iterative cuts and latency targets. */
class TrimGroupsTest {

    private static final ImageData DATA = Datasets.synthetic(4, 128, 32, 5);

    private static List<String> blocks(int stage, String layer) {
        List<String> out = new ArrayList<>();
        for (int b = 1; b <= 3; b++) {
            out.add("s" + stage + "b" + b + "." + layer);
        }
        return out;
    }

    @Test
    void resnet20GroupsIncludeEveryStageWidthWithExactMembers() {
        List<ChannelGroup> groups = Groups.of(Architectures.spec("resnet20", 10, 1));
        assertEquals(12, groups.size());
        ChannelGroup s1 = groups.get(0);
        assertEquals(ChannelGroup.Kind.RESIDUAL, s1.kind());
        assertEquals(16, s1.width());
        assertEquals(List.of("conv1", "s1b1.conv2", "s1b2.conv2", "s1b3.conv2"), s1.producers());
        assertEquals(List.of("bn1", "s1b1.bn2", "s1b2.bn2", "s1b3.bn2"), s1.norms());
        assertEquals(List.of("s1b1.conv1.in", "s1b2.conv1.in", "s1b3.conv1.in", "s2b1.conv1.in", "s2b1.proj.in"),
                s1.consumers().stream().map(Object::toString).toList());
        ChannelGroup s2 = groups.stream().filter(g -> g.producer().equals("s2b1.conv2")).findFirst().orElseThrow();
        assertEquals(List.of("s2b1.conv2", "s2b1.proj", "s2b2.conv2", "s2b3.conv2"), s2.producers());
        assertEquals(List.of("s2b1.bn2", "s2b1.proj_bn", "s2b2.bn2", "s2b3.bn2"), s2.norms());
        assertEquals(List.of("s2b2.conv1.in", "s2b3.conv1.in", "s3b1.conv1.in", "s3b1.proj.in"),
                s2.consumers().stream().map(Object::toString).toList());
        ChannelGroup s3 = groups.stream().filter(g -> g.producer().equals("s3b1.conv2")).findFirst().orElseThrow();
        assertEquals(64, s3.width());
        assertEquals(List.of("s3b1.conv2", "s3b1.proj", "s3b2.conv2", "s3b3.conv2"), s3.producers());
        assertEquals(List.of("s3b2.conv1.in", "s3b3.conv1.in", "fc.in"), s3.consumers().stream().map(Object::toString).toList());
        List<String> inner = groups.stream().filter(g -> g.kind() == ChannelGroup.Kind.BLOCK_INNER)
                .map(ChannelGroup::describe).toList();
        List<String> expected = new ArrayList<>();
        for (int stage = 1; stage <= 3; stage++) {
            for (String c : blocks(stage, "conv1")) {
                String b = c.substring(0, c.indexOf('.'));
                expected.add(c + ".out ⇒ " + b + ".bn1, " + b + ".conv2.in");
            }
        }
        assertEquals(expected, inner);
        assertEquals(List.of("conv1", "s1b1.conv1", "s1b2.conv1", "s1b3.conv1", "s2b1.conv1", "s2b1.conv2", "s2b2.conv1",
                "s2b3.conv1", "s3b1.conv1", "s3b1.conv2", "s3b2.conv1", "s3b3.conv1"),
                groups.stream().map(ChannelGroup::producer).toList(), "forward order");
        assertTrue(Groups.of(Architectures.spec("cnn-small", 10, 1)).stream().allMatch(g -> g.kind() == ChannelGroup.Kind.SEQUENTIAL));
    }

    /** Trims only the groups of one kind, with random kept indices, and checks trimmed == zeroed original. */
    private static void equivalent(SlimModel model, ChannelGroup.Kind kind) {
        List<ChannelGroup> groups = Groups.of(model.spec()).stream().filter(g -> g.kind() == kind).toList();
        assertTrue(!groups.isEmpty(), kind + " groups");
        Random random = new Random(7);
        Map<String, int[]> keep = new LinkedHashMap<>();
        for (ChannelGroup g : groups) {
            List<Integer> all = new ArrayList<>();
            for (int c = 0; c < g.width(); c++) {
                all.add(c);
            }
            java.util.Collections.shuffle(all, random);
            keep.put(g.producer(), all.subList(0, g.width() / 2).stream().mapToInt(Integer::intValue).sorted().toArray());
        }
        try (SlimModel t = Trimmer.trimChannels(model, groups, keep, "t"); SlimModel z = Trimmer.zeroRemoved(model, groups, keep)) {
            double d = Trimmer.maxDifference(t, z);
            assertTrue(d <= TrimStep.TOLERANCE, kind + ": max diff " + d);
            assertTrue(t.spec().macs() < model.spec().macs());
            // and the cut is not a no-op: the zeroed model differs from the original
            assertTrue(Trimmer.maxDifference(model, z) > 1e-3, kind + ": zeroing changed nothing");
        }
    }

    @Test
    void equivalenceHoldsForEveryGroupKind() {
        try (SlimModel res = SlimModel.create("resnet20", 4, 0.5, 1); SlimModel cnn = SlimModel.create("cnn-small", 4, 0.5, 1)) {
            FitLoop.fit(res, DATA, TrainConfig.defaults().batchSize(32), List.of()); // BN statistics away from defaults
            FitLoop.fit(cnn, DATA, TrainConfig.defaults().batchSize(32), List.of());
            equivalent(res, ChannelGroup.Kind.RESIDUAL);
            equivalent(res, ChannelGroup.Kind.BLOCK_INNER);
            equivalent(cnn, ChannelGroup.Kind.SEQUENTIAL);
            TrimStep all = Slim.trim(res).remove(0.5).round(4);
            try (SlimModel t = all.cut()) {
                assertTrue(all.equivalenceError() <= TrimStep.TOLERANCE);
                Layer s2b1 = t.spec().layers().stream().filter(l -> l.name().equals("s2b1")).findFirst().orElseThrow();
                assertEquals(8, s2b1.body().get(0).out(), "inner conv 16 → 8");
                assertEquals(8, s2b1.body().get(3).out(), "stage width 16 → 8");
                assertEquals(8, s2b1.shortcut().get(0).out(), "projection follows the stage width");
            }
        }
    }

    @Test
    void allGroupsAtHalfCutMacsAboutFourTimes() {
        try (SlimModel res = SlimModel.create("resnet20", 10, 1.0, 0); SlimModel t = Slim.trim(res).remove(0.5).cut()) {
            double x = (double) res.spec().macs() / t.spec().macs();
            assertTrue(x >= 3.5, "MACs reduction " + x);
            assertEquals(t.spec().params(), ModelStats.of(t).params(), "spec parameter count");
            assertEquals(res.spec().params(), ModelStats.of(res).params());
        }
    }

    /** A tiny MLP on 4×4 images: fc1 (16→5), fc2 (5→3), fc3 (3→2). */
    private static SlimModel tinyMlp() {
        return SlimModel.create("tiny", Architectures.spec("mlp", 2, 0.02, 1, 4, 4), 3);
    }

    private static ImageSplit tinySplit() {
        Random r = new Random(11);
        float[] px = new float[6 * 16];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) r.nextGaussian();
        }
        return new ImageSplit(px, new int[] {0, 1, 1, 0, 1, 0}, 1, 4, 4, 2);
    }

    private static double[][] matrix(SlimModel m, String path, int rows) {
        float[] f = m.parameters().get(path).getArray().toFloatArray();
        int cols = f.length / rows;
        double[][] out = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i][j] = f[i * cols + j];
            }
        }
        return out;
    }

    @Test
    void l2GroupAndTaylorMatchHandComputations() {
        try (SlimModel m = tinyMlp()) {
            ImageSplit split = tinySplit();
            double[][] w1 = matrix(m, "fc1.weight", 5);
            double[] b1 = matrix(m, "fc1.bias", 5)[0].length == 1 ? col(matrix(m, "fc1.bias", 5)) : null;
            double[][] w2 = matrix(m, "fc2.weight", 3);
            double[] b2 = col(matrix(m, "fc2.bias", 3));
            double[][] w3 = matrix(m, "fc3.weight", 2);
            double[] b3 = col(matrix(m, "fc3.bias", 2));
            List<ChannelGroup> groups = Groups.of(m.spec());
            assertEquals(List.of("fc1", "fc2"), groups.stream().map(ChannelGroup::producer).toList());
            // l2-group of fc1's channel c: sqrt(|W1[c,:]|² + b1[c]² + |W2[:,c]|²)
            float[] l2 = Importance.scores(m, groups, Criterion.L2_GROUP, null, 1, 6, 0).get("fc1");
            for (int c = 0; c < 5; c++) {
                double s = b1[c] * b1[c];
                for (double v : w1[c]) {
                    s += v * v;
                }
                for (int o = 0; o < 3; o++) {
                    s += w2[o][c] * w2[o][c];
                }
                assertEquals(Math.sqrt(s), l2[c], 1e-5, "l2-group channel " + c);
            }
            // hand backprop of the mean cross-entropy over the 6 images
            int n = split.size();
            double[][] gw1 = new double[5][16];
            double[] gb1 = new double[5];
            double[][] gw2 = new double[3][5];
            double[] gb2 = new double[3];
            for (int i = 0; i < n; i++) {
                float[] x = split.image(i);
                double[] a1 = new double[5];
                double[] h1 = new double[5];
                for (int c = 0; c < 5; c++) {
                    a1[c] = b1[c];
                    for (int j = 0; j < 16; j++) {
                        a1[c] += w1[c][j] * x[j];
                    }
                    h1[c] = Math.max(0, a1[c]);
                }
                double[] a2 = new double[3];
                double[] h2 = new double[3];
                for (int o = 0; o < 3; o++) {
                    a2[o] = b2[o];
                    for (int c = 0; c < 5; c++) {
                        a2[o] += w2[o][c] * h1[c];
                    }
                    h2[o] = Math.max(0, a2[o]);
                }
                double[] z = new double[2];
                for (int k = 0; k < 2; k++) {
                    z[k] = b3[k] + w3[k][0] * h2[0] + w3[k][1] * h2[1] + w3[k][2] * h2[2];
                }
                double mx = Math.max(z[0], z[1]);
                double e0 = Math.exp(z[0] - mx);
                double e1 = Math.exp(z[1] - mx);
                double[] dz = {e0 / (e0 + e1), e1 / (e0 + e1)};
                dz[split.label(i)] -= 1;
                dz[0] /= n;
                dz[1] /= n;
                double[] da2 = new double[3];
                for (int o = 0; o < 3; o++) {
                    da2[o] = a2[o] > 0 ? w3[0][o] * dz[0] + w3[1][o] * dz[1] : 0;
                    gb2[o] += da2[o];
                    for (int c = 0; c < 5; c++) {
                        gw2[o][c] += da2[o] * h1[c];
                    }
                }
                for (int c = 0; c < 5; c++) {
                    double dh = 0;
                    for (int o = 0; o < 3; o++) {
                        dh += w2[o][c] * da2[o];
                    }
                    double da1 = a1[c] > 0 ? dh : 0;
                    gb1[c] += da1;
                    for (int j = 0; j < 16; j++) {
                        gw1[c][j] += da1 * x[j];
                    }
                }
            }
            float[] taylor = Importance.scores(m, groups, Criterion.TAYLOR, split, 1, 6, 0).get("fc1");
            double total = 0;
            for (int c = 0; c < 5; c++) {
                double s = Math.abs(b1[c] * gb1[c]);
                for (int j = 0; j < 16; j++) {
                    s += Math.abs(w1[c][j] * gw1[c][j]);
                }
                for (int o = 0; o < 3; o++) {
                    s += Math.abs(w2[o][c] * gw2[o][c]);
                }
                assertEquals(s, taylor[c], 1e-5 + 1e-3 * s, "taylor channel " + c);
                total += s;
            }
            assertTrue(total > 1e-4, "the gradients are not all zero");
            // two calibration batches of 3 average their gradients; the model's own gradients stay untouched
            float[] again = Importance.scores(m, groups, Criterion.TAYLOR, split, 1, 6, 0).get("fc1");
            assertEquals(taylor[0], again[0], 1e-6, "calibration does not accumulate into the model");
        }
    }

    private static double[] col(double[][] m) {
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i][0];
        }
        return out;
    }

    @Test
    void bnL1AddsExactlyLambdaTimesSumOfAbsGammaToTheLoss() {
        ImageData one = Datasets.synthetic(4, 16, 8, 2);
        double lambda = 0.01;
        double lr = 0.1;
        try (SlimModel a = SlimModel.create("cnn-small", 4, 0.5, 1)) {
            double[] gammas0 = dev.slimkit.step.TrainStep.gammas(a);
            try (SlimModel b = a.copy("b")) {
                TrainConfig sgd = TrainConfig.defaults().batchSize(16).optimizer(TrainConfig.Optimizer.SGD).learningRate(lr)
                        .weightDecay(0).seed(3);
                Slim.train(a, one).config(sgd).epochs(1).run();
                Slim.train(b, one).config(sgd).epochs(1).bnL1(lambda).run();
                double[] ga = dev.slimkit.step.TrainStep.gammas(a);
                double[] gb = dev.slimkit.step.TrainStep.gammas(b);
                double sumAbs = 0;
                for (int i = 0; i < ga.length; i++) {
                    // one SGD step: the extra gradient is lambda·sign(gamma)
                    assertEquals(-lr * lambda * Math.signum(gammas0[i]), gb[i] - ga[i], 1e-5, "gamma " + i);
                    sumAbs += Math.abs(gammas0[i]);
                }
                float[] wa = a.parameters().get("conv1.weight").getArray().toFloatArray();
                float[] wb = b.parameters().get("conv1.weight").getArray().toFloatArray();
                for (int i = 0; i < wa.length; i++) {
                    assertEquals(wa[i], wb[i], 1e-6, "other weights get no extra gradient");
                }
                var term = b.history().series().get("bn-l1");
                assertNotNull(term, "the term is recorded");
                assertEquals(lambda * sumAbs, term.get(0).loss(), 1e-5);
                double lossA = a.history().steps().get(0).loss();
                double lossB = b.history().steps().get(0).loss();
                assertEquals(lambda * sumAbs, lossB - lossA, 1e-4, "total loss = CE + lambda·Σ|gamma|");
            }
        }
    }

    @Test
    void globalRankingNeverEmptiesALayerAndRespectsTheCap() {
        ChannelGroup a = new ChannelGroup("a", List.of(), List.of(new ChannelGroup.Consumer("b", 1)), 16);
        ChannelGroup b = new ChannelGroup("b", List.of(), List.of(new ChannelGroup.Consumer("c", 1)), 16);
        float[] sa = new float[16];
        Arrays.fill(sa, 0.01f);
        sa[15] = 10;
        float[] sb = new float[16];
        Arrays.fill(sb, 1);
        try (SlimModel m = SlimModel.create("cnn-small", 4, 0.5, 0)) {
            WidthTarget step = new WidthTarget(0.5, 0, 0, true, TrimStep.DEFAULT_MAX_PER_LAYER, 1);
            Map<String, Integer> c = step.globalCounts(List.of(a, b), Map.of("a", sa, "b", sb), 20);
            assertEquals(2, c.get("a"), "a loses its 15 weak channels but at most 0.9 of 16 = 14");
            assertEquals(10, c.get("b"), "the other 6 come from b");
            WidthTarget tight = new WidthTarget(0.5, 0, 0, true, 0.99, 1);
            Map<String, Integer> all = tight.globalCounts(List.of(a, b), Map.of("a", sa, "b", sb), 1000);
            assertEquals(1, all.get("a"), "never empty");
            assertEquals(1, all.get("b"), "never empty");
            assertEquals(8, new WidthTarget(0.5, 0, 0, true, TrimStep.DEFAULT_MAX_PER_LAYER, TrimStep.DEFAULT_ROUND).globalCounts(List.of(a, b), Map.of("a", sa, "b", sb), 20)
                    .get("a"), "round 8 still applies");
        }
        try (SlimModel res = SlimModel.create("resnet20", 4, 0.5, 2)) {
            FitLoop.fit(res, DATA, TrainConfig.defaults().batchSize(32), List.of());
            TrimStep step = Slim.trim(res).remove(0.7).global(true).round(1).criterion("l2-group");
            try (SlimModel t = step.cut()) {
                assertTrue(step.equivalenceError() <= TrimStep.TOLERANCE);
                List<ChannelGroup> before = Groups.of(res.spec());
                List<ChannelGroup> after = Groups.of(t.spec());
                int total = 0;
                for (int i = 0; i < before.size(); i++) {
                    assertTrue(after.get(i).width() >= Math.ceil(0.1 * before.get(i).width()), after.get(i).describe());
                    total += after.get(i).width();
                }
                int original = before.stream().mapToInt(ChannelGroup::width).sum();
                assertEquals(Math.round(original * 0.3), total, 1, "70% of all channels go");
                assertTrue(after.stream().mapToInt(ChannelGroup::width).distinct().count() > 2, "non-uniform widths");
            }
        }
    }

    @Test
    void iterativeStepsReachTheTarget() {
        try (SlimModel m = SlimModel.create("cnn-small", 4, 1.0, 0)) {
            TrimStep once = Slim.trim(m).remove(0.5);
            TrimStep thrice = Slim.trim(m).remove(0.5).cuts(3).epochsPerCut(0);
            try (SlimModel a = once.cut(); SlimModel b = thrice.cut()) {
                assertEquals(a.spec(), b.spec(), "three cuts end at the one-cut widths");
                List<Cut> cuts = thrice.cuts();
                assertEquals(3, cuts.size());
                assertTrue(cuts.get(0).macs() > cuts.get(1).macs() && cuts.get(1).macs() > cuts.get(2).macs(), cuts.toString());
            }
            TrimStep macs = Slim.trim(m).macs(0.4).cuts(2).epochsPerCut(1).data(DATA).measureLatency(false)
                    .config(TrainConfig.defaults().batchSize(32));
            StepResult r = macs.run();
            assertTrue(r.metrics().get("MACs after / before") <= 0.4, r.metrics().toString());
            assertEquals(2, macs.cuts().size());
            assertTrue(macs.cuts().get(0).macs() > 0.4 * m.spec().macs(), "the first cut goes half way");
            assertTrue(!Double.isNaN(macs.cuts().get(0).accuracyAfterTune()), "fine-tuned between the cuts");
            assertEquals(1, r.epochs().size(), "one epoch between the cuts, none after the last");
            macs.model().close();
        }
    }

    @Test
    void latencyTargetWithAFakeTimer() {
        AtomicInteger calls = new AtomicInteger();
        // a clock that charges 1 ms plus 1 ms per million MACs
        LatencyTable.Timer fake = (model, batch) -> {
            calls.incrementAndGet();
            return 1 + batch * model.spec().macs() / 1e6;
        };
        try (SlimModel res = SlimModel.create("resnet20", 4, 0.5, 0)) {
            double base = fake.ms(res, 8);
            TrimStep step = Slim.trim(res).latency(0.5).latencyBatch(8).timer(fake).round(2);
            try (SlimModel t = step.cut()) {
                assertEquals(fake.ms(t, 8), step.measuredMs(), 1e-9, "measured with the injected clock");
                assertTrue(step.measuredMs() <= 0.5 * base * 1.02, step.measuredMs() + " vs target " + 0.5 * base);
                assertTrue(step.measuredMs() >= 0.3 * base, "no needless over-cut: " + step.measuredMs() / base);
                assertTrue(Double.isFinite(step.predictedMs()));
                LatencyTable table = step.latencyTable();
                assertEquals(base, table.baseMs(), 1e-9);
                assertEquals(12 * 3, table.rows().size(), "three candidate widths for each of 12 groups");
            }
        }
        // a fixed 10 ms floor: no cut reaches a tenth, and the refusal names what the narrowest measured
        LatencyTable.Timer floor = (model, batch) -> 10 + model.spec().macs() / 1e6;
        try (SlimModel res = SlimModel.create("resnet20", 4, 0.5, 0)) {
            double base = floor.ms(res, 8);
            double narrowest = 10 + Trimmer.specFor(res.spec(), Groups.of(res.spec()), Groups.of(res.spec()).stream()
                    .collect(java.util.stream.Collectors.toMap(ChannelGroup::producer,
                            g -> WidthTarget.keptCount(g.width(), 0.75, 2)))).macs() / 1e6;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Slim.trim(res).latency(0.1).latencyBatch(8).timer(floor).round(2).cut());
            assertEquals(String.format(java.util.Locale.ROOT, "cannot reach [0.1] of the measured latency (%.3f ms at"
                    + " batch 8): with every group at its narrowest candidate it measured %.2f of it; pass a larger"
                    + " fraction", base, narrowest / base), e.getMessage());
        }
        // only one group costs time: the cut takes its channels only, leaving the free groups whole
        LatencyTable.Timer onlyStage3 = (model, batch) -> 1 + Groups.of(model.spec()).stream()
                .filter(g -> g.producer().equals("s3b1.conv2")).findFirst().orElseThrow().width();
        try (SlimModel res = SlimModel.create("resnet20", 4, 1.0, 0)) {
            TrimStep step = Slim.trim(res).latency(0.6).timer(onlyStage3).round(8);
            try (SlimModel t = step.cut()) {
                for (ChannelGroup g : Groups.of(t.spec())) {
                    int original = Groups.of(res.spec()).stream().filter(o -> o.producer().equals(g.producer()))
                            .findFirst().orElseThrow().width();
                    assertEquals(g.producer().equals("s3b1.conv2") ? 32 : original, g.width(), g.describe());
                }
            }
        }
    }

    @Test
    void blocksAndChannelsInOneCall() {
        try (SlimModel res = SlimModel.create("resnet20", 4, 1.0, 0); SlimModel t = Slim.trim(res).remove(0.5).blocks(2).cut()) {
            assertEquals(7, t.spec().layers().stream().filter(l -> l.kind() == Layer.Kind.RESIDUAL).count());
            assertEquals(8, t.spec().layers().get(0).out(), "stem at half width");
            assertTrue((double) res.spec().macs() / t.spec().macs() > 4.5);
        }
    }

    @Test
    void badInputsOfTheNewOptions() {
        try (SlimModel m = SlimModel.create("cnn-small", 4, 0.25, 0); SlimModel mlp = SlimModel.create("mlp", 4, 0.25, 0)) {
            assertEquals("criterion must be l1, l2-group, taylor or bn, got [l3]",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(m).criterion("l3")).getMessage());
            assertEquals("pass one of remove(...), macs(...), params(...) or latency(...), not latency(...) as well",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(m).macs(0.5).latency(0.5)).getMessage());
            assertEquals("latency(...) must be in (0, 1), got [1.5]; pass the fraction of the measured latency to keep, e.g. 0.5",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(m).latency(1.5)).getMessage());
            assertEquals("params(...) must be in (0, 1), got [0.0]; pass the fraction of parameters to keep, e.g. 0.5",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(m).params(0)).getMessage());
            assertEquals("latencyBatch(...) must be in [1, 4096], got [0]; pass e.g. 1 or 32",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(m).latencyBatch(0)).getMessage());
            assertEquals("calibration(...) must be >= 1, got [0]; pass the number of training batches, e.g. 8",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(m).calibration(0)).getMessage());
            assertEquals("calibration(...) applies to criterion taylor only; drop it or pass criterion(\"taylor\")",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(m).remove(0.5).calibration(4).validate()).getMessage());
            assertEquals("criterion taylor needs data(...): its gradients come from training batches",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(m).remove(0.5).criterion("taylor").validate()).getMessage());
            assertEquals("maxPerLayer(...) must be in (0, 1), got [1.0]; pass the largest fraction of one layer to remove, e.g. 0.9",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(m).maxPerLayer(1)).getMessage());
            assertEquals("maxPerLayer(...) applies with global(true) only; add global(true) or drop it",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(m).remove(0.5).maxPerLayer(0.5).validate()).getMessage());
            assertEquals("cuts(...) must be in [1, 100], got [0]; pass e.g. 4",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(m).cuts(0)).getMessage());
            assertEquals("epochsPerCut(...) must be >= 0, got [-1]; pass e.g. 1",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(m).epochsPerCut(-1)).getMessage());
            assertEquals("epochsPerCut(...) applies with cuts(...) > 1; pass e.g. cuts(4)",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(m).remove(0.5).epochsPerCut(1).validate()).getMessage());
            assertEquals("cuts(3) fine-tunes 1 epoch(s) between cuts and needs data(...); pass data(...) or epochsPerCut(0)",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(m).remove(0.5).cuts(3).validate()).getMessage());
            assertEquals("latency(...) chooses its own widths per group from measurements; drop global(true)",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(m).latency(0.5).global(true).validate()).getMessage());
            // narrowest cut: conv1 4 (of 4), conv2 8 (of 8), fc1 8 (of 32) with round 8
            assertEquals("cannot reach [0.001] of the MACs by cutting channels (the narrowest cut keeps 0.561); pass a larger"
                    + " fraction, fewer exclusions or blocks(...)",
                    assertThrows(IllegalArgumentException.class, () -> Slim.trim(m).macs(0.001).validate()).getMessage());
            assertEquals("bnL1(...) must be in [0, 1], got [-1.0]; pass e.g. 1e-4",
                    assertThrows(IllegalArgumentException.class, () -> Slim.train(m, DATA).bnL1(-1)).getMessage());
            assertEquals("bnL1(...) needs batch norms, but model [mlp] (mlp) has none; drop bnL1(...)",
                    assertThrows(IllegalArgumentException.class, () -> Slim.train(mlp, DATA).bnL1(1e-4).validate()).getMessage());
        }
    }
}
