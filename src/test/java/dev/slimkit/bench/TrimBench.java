package dev.slimkit.bench;

import dev.slimkit.Slim;
import dev.slimkit.io.ModelIO;
import dev.slimkit.measure.Latency;
import dev.slimkit.model.SlimModel;
import dev.slimkit.trim.TrimStep;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Trimming benchmark (run by {@code install/bench.sh trim}): for {@code cnn-small} and {@code
 * resnet20} (random weights: latency does not depend on their values), trims channels in several
 * configurations and prints, per configuration, the MACs reduction, the measured speed-up at batch
 * 1 and 32 (median of 100 runs after 20 warm-up runs, same process, same threads, against the
 * untrimmed model measured in the same run) and the speed-up / MACs-reduction ratio. Then a
 * {@code latency(0.5)} trim of resnet20 at batch 32: its predicted and measured latency, and the
 * latency ratio re-measured in a fresh JVM (both models loaded from files there, measured
 * interleaved). With the argument {@code latency}, only the latency target. With {@code recovery}:
 * cnn-small and resnet20 trained N epochs (default 8, cosine) on 7,200 Fashion-MNIST images, each cut at 0.5 and 0.75
 * with and without batch-norm recalibration, the pre-cut model as teacher or none, at the training
 * rate or a tenth of it (cosine), one epoch of fine-tuning: validation accuracy right
 * after the cut, after recalibration and after fine-tuning.
 */
public final class TrimBench {

    private TrimBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("measure")) {
            freshProcess(Path.of(args[1]), Path.of(args[2]));
            return;
        }
        System.out.printf(Locale.ROOT, "threads=%d%n", Latency.threads());
        if (args.length == 1 && args[0].equals("latency")) { // the latency target only
            latencyTarget();
            return;
        }
        if (args.length >= 1 && args[0].equals("recovery")) { // accuracy after a cut, with and without recalibration
            recovery(args.length > 1 ? Integer.parseInt(args[1]) : 8);
            return;
        }
        System.out.printf(Locale.ROOT, "%-10s %-28s %10s %8s %9s %9s %8s %8s %7s %7s%n", "model", "configuration", "MACs",
                "MACs ÷", "ms b1", "ms b32", "speed b1", "speed32", "b1/MAC", "b32/MAC");
        for (String arch : new String[] {"cnn-small", "resnet20"}) {
            try (SlimModel base = Slim.model(arch).classes(10).build()) {
                Latency.measure(base, 32); // warm the engine and its threads before the figures that count
                Latency.Stats b1 = Latency.measure(base, 1);
                Latency.Stats b32 = Latency.measure(base, 32);
                print(arch, "original", base.spec().macs(), 1, b1.medianMs(), b32.medianMs(), 1, 1);
                List<String> names = new ArrayList<>();
                List<Function<SlimModel, TrimStep>> configs = new ArrayList<>();
                for (double ratio : new double[] {0.25, 0.5, 0.75}) {
                    names.add("all groups " + ratio);
                    configs.add(m -> Slim.trim(m).remove(ratio));
                }
                if (arch.equals("resnet20")) {
                    names.add("inner convs only 0.5");
                    configs.add(m -> Slim.trim(m).remove(0.5).exclude("conv1,s2b1.conv2,s3b1.conv2"));
                    names.add("global l1 0.5");
                    configs.add(m -> Slim.trim(m).remove(0.5).global(true));
                    names.add("macs 0.25 (uniform)");
                    configs.add(m -> Slim.trim(m).macs(0.25));
                    names.add("all 0.5 + 3 blocks");
                    configs.add(m -> Slim.trim(m).remove(0.5).blocks(3));
                }
                for (int i = 0; i < names.size(); i++) {
                    try (SlimModel t = configs.get(i).apply(base).cut()) {
                        Latency.Stats t1 = Latency.measure(t, 1);
                        Latency.Stats t32 = Latency.measure(t, 32);
                        print(arch, names.get(i), t.spec().macs(), (double) base.spec().macs() / t.spec().macs(),
                                t1.medianMs(), t32.medianMs(), b1.medianMs() / t1.medianMs(), b32.medianMs() / t32.medianMs());
                    }
                }
            }
        }
        latencyTarget();
    }

    /** resnet20 latency(0.5) at batch 32: predicted, measured here, and re-measured in a fresh process. */
    private static void latencyTarget() throws Exception {
        try (SlimModel base = Slim.model("resnet20").classes(10).build()) {
            TrimStep step = Slim.trim(base).latency(0.5).latencyBatch(32);
            long t0 = System.nanoTime();
            try (SlimModel t = step.cut()) {
                double seconds = (System.nanoTime() - t0) / 1e9;
                double original = step.latencyTable().baseMs();
                System.out.printf(Locale.ROOT, "latency target 0.5 at batch 32 (resnet20): table of %d entries, %d models"
                        + " timed, %.1f s; original %.3f ms, predicted by the search %.3f ms (%.3f), measured afresh %.3f ms (%.3f);"
                        + " MACs ÷ %.2f%n", step.latencyTable().rows().size(), step.latencyTable().measurements(), seconds,
                        original, step.predictedMs(), step.predictedMs() / original, step.measuredMs(),
                        step.measuredMs() / original, (double) base.spec().macs() / t.spec().macs());
                Path dir = Files.createTempDirectory("slimkit-trimbench");
                Path a = dir.resolve("original.slim");
                Path b = dir.resolve("trimmed.slim");
                ModelIO.save(base, a);
                ModelIO.save(t, b);
                List<String> cmd = new ArrayList<>();
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
                cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TrimBench.class.getName(), "measure",
                        a.toString(), b.toString()));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("fresh process")) {
                            System.out.println(line);
                        }
                    }
                }
                p.waitFor();
            }
        }
    }

    private static void freshProcess(Path original, Path trimmed) throws Exception {
        try (SlimModel a = ModelIO.load(original); SlimModel b = ModelIO.load(trimmed)) {
            Latency.measureInterleaved(List.of(a, b), 32, Latency.DEFAULT_WARMUP, 50); // a fresh JVM warms up slowly
            double[] ratios = new double[3];
            StringBuilder each = new StringBuilder();
            for (int i = 0; i < ratios.length; i++) {
                List<Latency.Stats> both = Latency.measureInterleaved(List.of(a, b), 32, 0, Latency.DEFAULT_RUNS);
                ratios[i] = both.get(1).medianMs() / both.get(0).medianMs();
                each.append(String.format(Locale.ROOT, "%s%.3f (%.3f / %.3f ms)", i == 0 ? "" : ", ", ratios[i],
                        both.get(1).medianMs(), both.get(0).medianMs()));
            }
            double[] sorted = ratios.clone();
            java.util.Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "fresh process: trimmed / original at batch 32, three rounds of %d interleaved"
                    + " runs: %s; median %.3f (target 0.5, ±10%%: 0.45–0.55)%n", Latency.DEFAULT_RUNS, each, sorted[1]);
        }
    }

    private static void print(String arch, String config, long macs, double macsX, double ms1, double ms32, double s1,
            double s32) {
        System.out.printf(Locale.ROOT, "%-10s %-28s %10d %7.2fx %9.3f %9.3f %7.2fx %7.2fx %7.2f %7.2f%n",
                arch, config, macs, macsX, ms1, ms32, s1, s32, s1 / macsX, s32 / macsX);
    }

    private static void recovery(int baseEpochs) {
        dev.slimkit.data.ImageData data = Slim.data("fashion-mnist").limit(8000).validationSplit(0.1, 0);
        System.out.printf(Locale.ROOT, "%-10s %-7s %-8s %-8s %-14s %8s %10s %12s %10s %8s%n", "model", "remove", "recal.",
                "teacher", "fine-tune", "base", "after cut", "after recal.", "after tune", "seconds");
        for (String arch : new String[] {"cnn-small", "resnet20"}) {
            try (SlimModel base = Slim.model(arch).data(data).build()) {
                Slim.train(base, data).epochs(baseEpochs).schedule(dev.slimkit.schedule.Schedule.cosine(1, 0)).run();
                double baseAcc = dev.slimkit.train.Evaluator.evaluate(base, data.validation().orElseThrow(), 256)
                        .accuracy();
                for (double remove : new double[] {0.5, 0.75}) {
                    for (String variant : new String[] {"no,none,1e-3", "yes,none,1e-3", "yes,input,1e-3",
                            "yes,none,1e-4", "yes,input,1e-4"}) {
                        String[] v = variant.split(",");
                        boolean recalibrate = v[0].equals("yes");
                        double lr = Double.parseDouble(v[2]);
                        TrimStep step = Slim.trim(base).remove(remove).data(data).epochs(1).recalibrate(recalibrate)
                                .teacher(v[1]).lr(lr).measureLatency(false).as("t");
                        if (lr < 1e-3) {
                            step.schedule(dev.slimkit.schedule.Schedule.cosine(1, 0));
                        }
                        long t0 = System.nanoTime();
                        var r = step.run();
                        var cut = r.detail(dev.slimkit.trim.TrimDetail.class).orElseThrow().cuts().get(0);
                        System.out.printf(Locale.ROOT, "%-10s %-7.2f %-8s %-8s %-14s %8.4f %10.4f %12s %10.4f %8.1f%n",
                                arch, remove, v[0], v[1], lr < 1e-3 ? "1e-4 cosine" : "1e-3 constant", baseAcc,
                                cut.accuracyAfterCut(), recalibrate ? String.format(Locale.ROOT, "%.4f",
                                        cut.accuracyAfterRecalibration()) : "–", cut.accuracyAfterTune(),
                                (System.nanoTime() - t0) / 1e9);
                        step.outputs().values().forEach(SlimModel::close);
                    }
                }
            }
        }
    }
}
