package dev.slimkit.spark.bench;

import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.pipeline.StageLines;
import dev.slimkit.model.Architectures;
import dev.slimkit.model.SlimModel;
import dev.slimkit.spark.LocalCluster;
import dev.slimkit.step.TrainStep;
import dev.slimkit.sweep.Sweep;
import dev.slimkit.sweep.SweepExecutor;
import dev.slimkit.sweep.SweepResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * install/bench.sh sweep: the same 8 trials (prune × trim of a trained cnn-small on 3,000
 * Fashion-MNIST images, or synthetic images without the Debian package) run one after another in
 * this JVM on one PyTorch thread, then on a loopback Spark cluster of 2 one-core workers. Prints
 * both wall times, their ratio, and the per-trial overhead on Spark: set-up in the executor (data
 * opened, base model loaded) and the rest (driver and executor start, scheduling, transfer).
 */
public final class SweepBench {

    private SweepBench() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("slimkit.spark.classpath", System.getProperty("java.class.path"));
        ImageData data = (Datasets.fashionMnistInstalled() ? Datasets.fashionMnist() : Datasets.synthetic(10, 3000, 1000, 0))
                .limit(3000).testLimit(1000).validationSplit(0.1, 0);
        SlimModel base = SlimModel.create("base", Architectures.spec("cnn-small", 10, 1.0, 1, 28, 28), 0);
        new TrainStep(base).data(data).epochs(1).measureLatency(false).run();
        String recipe = "prune --sparsity {0.5,0.7,0.8,0.9} --epochs 1\ntrim --remove {0.25,0.5} --epochs 1";
        System.out.println("data: " + data);
        System.out.println("recipe: " + recipe.replace("\n", " | "));

        SweepResult local = sweep(base, data, recipe).on(SweepExecutor.local()).run();
        report("local, one after another (1 thread)", local);
        Path dir = Files.createTempDirectory("slimkit-bench-cluster-");
        SweepResult spark;
        try (LocalCluster cluster = LocalCluster.start(2, dir, 0)) {
            spark = sweep(base, data, recipe).on(SweepExecutor.spark(cluster.url())).run();
        }
        report("spark, 2 workers of 1 core", spark);
        double busy = spark.rows().stream().mapToDouble(r -> r.seconds() + r.setupSeconds()).sum();
        double setup = spark.rows().stream().mapToDouble(SweepResult.Row::setupSeconds).average().orElse(Double.NaN);
        double firstSetup = spark.rows().stream().mapToDouble(SweepResult.Row::setupSeconds).max().orElse(Double.NaN);
        int n = spark.rows().size();
        System.out.println("== result");
        System.out.printf(Locale.ROOT, "wall_local_seconds=%.1f%n", local.seconds());
        System.out.printf(Locale.ROOT, "wall_spark_seconds=%.1f%n", spark.seconds());
        System.out.printf(Locale.ROOT, "speedup_local_over_spark=%.2f%n", local.seconds() / spark.seconds());
        System.out.printf(Locale.ROOT, "trial_seconds_mean_local=%.2f%n", mean(local));
        System.out.printf(Locale.ROOT, "trial_seconds_mean_spark=%.2f%n", mean(spark));
        System.out.printf(Locale.ROOT, "spark_setup_seconds_per_trial_mean=%.2f (largest %.2f: an executor's first"
                + " trial, engine start and data open)%n", setup, firstSetup);
        System.out.printf(Locale.ROOT, "spark_other_overhead_seconds_per_trial=%.2f (2 x wall - busy executor time,"
                + " over %d trials: driver and executor JVM start, scheduling, transfer)%n", (2 * spark.seconds() - busy) / n, n);
        base.close();
    }

    private static Sweep sweep(SlimModel base, ImageData data, String recipe) {
        return new Sweep(base).data(data).recipe(recipe).measureLatency(false).reader(StageLines.detached());
    }

    private static double mean(SweepResult r) {
        return r.rows().stream().mapToDouble(SweepResult.Row::seconds).average().orElse(Double.NaN);
    }

    private static void report(String what, SweepResult r) {
        System.out.printf(Locale.ROOT, "== %s: %d trials in %.1f s%n", what, r.rows().size(), r.seconds());
        for (SweepResult.Row row : r.rows()) {
            System.out.printf(Locale.ROOT, "  trial %d %-28s %-6s %6.1f s (setup %.1f s) on %s, MACs %d, val acc %.4f%s%n",
                    row.trial().index(), row.trial().label(), row.status(), row.seconds(), row.setupSeconds(), row.where(),
                    row.yardsticks() == null ? -1 : row.yardsticks().macs(), row.validationAccuracy(),
                    row.error() == null ? "" : " " + row.error());
        }
    }
}
