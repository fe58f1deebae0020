package dev.slimkit.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.measure.ComparisonRow;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.Evaluation;
import dev.slimkit.model.History;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Renders one of every chart, with figures like the notebooks', into the folder named by
 * {@code -Dslimkit.gallery=DIR}, for a person to look at (run with
 * {@code mvn -pl src test -Dtest=ChartGalleryTest -Dslimkit.gallery=/tmp/charts}). Off otherwise.
 */
@EnabledIfSystemProperty(named = "slimkit.gallery", matches = ".+")
class ChartGalleryTest {

    private static final Path DIR = Path.of(System.getProperty("slimkit.gallery", "/tmp"));

    private static void save(Chart<?, ?> chart, String name) throws Exception {
        Path file = Charts.savePng(chart, DIR.resolve(name + ".png"));
        assertTrue(Files.size(file) > 1000, file.toString());
    }

    private static ComparisonRow row(String name, long params, long macs, double ms32, double acc) {
        return new ComparisonRow(name, params, params, macs, ms32 / 8, ms32, acc);
    }

    @Test
    void renderWorstImages() throws Exception {
        dev.slimkit.data.ImageData data = dev.slimkit.data.Datasets.fashionMnistInstalled()
                ? dev.slimkit.data.Datasets.fashionMnist().limit(3000).testLimit(1000)
                : dev.slimkit.data.Datasets.synthetic(10, 3000, 1000, 1);
        try (SlimModel model = SlimModel.create("cnn-small", 10, 0.5, 0)) {
            dev.slimkit.train.FitLoop.fit(model, data, dev.slimkit.train.TrainConfig.defaults().epochs(1).batchSize(64), List.of());
            var worst = dev.slimkit.train.Evaluator.worst(model, data.test(), 16);
            var grid = ImageGrid.worst(data.test(), worst, data.classNames(), "cnn: 16 test images with the highest loss");
            Files.createDirectories(DIR);
            javax.imageio.ImageIO.write(grid, "png", DIR.resolve("worst.png").toFile());
            Evaluation e = dev.slimkit.train.Evaluator.evaluate(model, data.test(), 256);
            save(Charts.perClassAccuracy(e, data.classNames(), "cnn accuracy per class (test)"), "per-class-real");
            save(Charts.confusion(e, data.classNames(), "cnn confusion matrix (test)"), "confusion-real");
        }
    }

    @Test
    void renderEveryChart() throws Exception {
        History h = new History();
        Random r = new Random(1);
        for (int s = 10; s <= 840; s += 10) {
            h.addStep(new History.Step(s, 0.25 + 0.7 * Math.exp(-s / 80.0) + 0.08 * r.nextGaussian()));
        }
        h.addEpoch(new History.Epoch(1, 0.42, 0.843, 0.31, 0.878, 1e-3, 1, 420));
        h.addEpoch(new History.Epoch(2, 0.29, 0.889, 0.28, 0.890, 1e-3, 1, 420));
        save(TrainingCharts.trainingCurves(h, "cnn training"), "training-curves");

        try (SlimModel model = SlimModel.create("lenet5", 10, 1.0, 0)) {
            save(Charts.layerParams(ModelStats.of(model), "lenet5: parameters per layer"), "layer-params-lenet5");
        }
        try (SlimModel model = SlimModel.create("cnn-small", 10, 1.0, 0)) {
            ModelStats stats = ModelStats.of(model);
            save(Charts.layerParams(stats, "cnn: parameters per layer"), "layer-params-cnn");
            save(Charts.layerWidths(stats, stats, "cnn → cnn_half: output width per layer"), "layer-widths");
            save(Charts.layerSparsity(stats, stats, "cnn90: sparsity per layer"), "layer-sparsity");
        }
        List<String> classes = dev.slimkit.data.Datasets.FASHION_MNIST_CLASSES;
        int[][] m = new int[10][10];
        for (int i = 0; i < 10; i++) {
            for (int j = 0; j < 10; j++) {
                m[i][j] = i == j ? 800 + 20 * i : (i + j) % 4 == 0 ? 40 : 5;
            }
        }
        Evaluation e = Evaluation.fromConfusion(m);
        save(Charts.confusion(e, classes, "cnn confusion matrix (test)"), "confusion");
        save(Charts.perClassAccuracy(e, classes, "cnn accuracy per class (test)"), "per-class");

        List<ComparisonRow> two = List.of(
                row("cnn", 4_241_152, 4_241_152, 9.0, 0.8954),
                row("cnn_loaded", 4_241_152, 4_241_152, 9.1, 0.8954),
                row("narrow", 1_117_056, 1_117_056, 3.1, 0.8823));
        save(ParetoCharts.pareto(two, "MACs", "accuracy vs MACs"), "pareto-quickstart-macs");
        List<ComparisonRow> seven = List.of(
                row("cnn", 4_241_152, 4_241_152, 8.95, 0.8981),
                row("cnn_trim25", 2_400_000, 2_400_000, 6.72, 0.8944),
                row("cnn_half", 1_100_000, 1_100_000, 4.33, 0.8890),
                row("cnn_trim75", 300_000, 300_000, 2.3, 0.8660),
                row("cnn_w75", 2_450_000, 2_450_000, 6.8, 0.8985),
                row("cnn_w50", 1_120_000, 1_120_000, 4.5, 0.8900),
                row("cnn_w25", 290_000, 290_000, 2.5, 0.8796));
        save(ParetoCharts.pareto(seven, "latency", "accuracy vs latency (batch 32)", "cnn",
                ParetoCharts.latencyTitle(32, 100, 2), "accuracy on fmnist test (10,000 images)"), "pareto-trim-latency");
        List<ComparisonRow> wide = List.of(
                row("resnet20", 272_000, 41_000_000, 30, 0.91),
                row("cnn", 4_241_152, 4_241_152, 9, 0.8954),
                row("mlp", 100_000, 100_000, 0.2, 0.85));
        save(ParetoCharts.pareto(wide, "MACs", "accuracy vs MACs (log)"), "pareto-log");

        Map<String, double[][]> sens = new LinkedHashMap<>();
        double[] levels = {0.1, 0.3, 0.5, 0.7, 0.9};
        sens.put("conv1", new double[][] {levels, {0.895, 0.893, 0.885, 0.86, 0.71}});
        sens.put("conv2", new double[][] {levels, {0.895, 0.894, 0.892, 0.888, 0.87}});
        sens.put("fc1", new double[][] {levels, {0.895, 0.895, 0.894, 0.893, 0.889}});
        sens.put("fc2", new double[][] {levels, {0.895, 0.894, 0.891, 0.882, 0.85}});
        save(Charts.lines("cnn: accuracy when one layer is pruned (baseline 89.5%)", "sparsity of that layer", "test accuracy", sens), "sensitivity");
        Map<String, double[][]> sched = new LinkedHashMap<>();
        sched.put("agp", new double[][] {{0, 100, 200, 300, 400}, {0, 0.5, 0.75, 0.86, 0.9}});
        save(Charts.lines("cnn90: sparsity schedule", "step", "sparsity", sched), "schedule");
    }
}
