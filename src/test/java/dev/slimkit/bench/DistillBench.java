package dev.slimkit.bench;

import dev.slimkit.Slim;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.History;
import dev.slimkit.model.SlimModel;
import dev.slimkit.step.StepResult;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Distillation cost benchmark (run by {@code install/bench.sh distill [rounds] [images] [live]}):
 * on the first {@code images} Fashion-MNIST training images (default 20,000), the same student
 * ({@code cnn-small} at width 0.25) trained by plain cross-entropy and by distillation from a
 * {@code cnn-small} teacher with cached teacher logits, one epoch each, <b>interleaved</b> for
 * {@code rounds} rounds (default 3: plain, KD, plain, KD, ...) so that a machine whose load
 * changes during the run biases neither. Prints each round's epoch seconds and ratio, the median
 * ratio KD / plain, and the one-off cache time. With {@code live} it also times one KD epoch that
 * runs the teacher on every batch. The teacher's weights are random: timing does not depend on them.
 */
public final class DistillBench {

    private DistillBench() {}

    private static double lastEpochSeconds(SlimModel m) {
        List<History.Epoch> e = m.history().epochs();
        return e.get(e.size() - 1).seconds();
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        ImageData data = Slim.data("fashion-mnist").limit(args.length > 1 ? Integer.parseInt(args[1]) : 20000);
        boolean live = args.length > 2 && args[2].equals("live");
        System.out.printf(Locale.ROOT, "data: %s; %d interleaved rounds; student cnn-small width 0.25, teacher"
                + " cnn-small%n", data, rounds);
        try (SlimModel teacher = Slim.model("cnn-small").classes(10).build();
                SlimModel plain = Slim.model("cnn-small").data(data).width(0.25).build();
                SlimModel kd = Slim.model("cnn-small").data(data).width(0.25).build()) {
            double[] ratios = new double[rounds];
            double cacheSeconds = 0;
            double cacheMib = 0;
            for (int r = 0; r < rounds; r++) {
                Slim.train(plain, data).epochs(1).measureLatency(false).run();
                StepResult k = Slim.distill(teacher).student(kd).data(data).epochs(1).measureLatency(false).run();
                double p = lastEpochSeconds(plain);
                double c = lastEpochSeconds(kd);
                ratios[r] = c / p;
                cacheSeconds = k.metrics().get("teacher cache seconds");
                cacheMib = k.metrics().get("teacher cache MiB");
                System.out.printf(Locale.ROOT, "round %d: plain_epoch_seconds=%.2f kd_cached_epoch_seconds=%.2f"
                        + " ratio=%.3f teacher_cache_seconds=%.2f%n", r + 1, p, c, ratios[r], cacheSeconds);
            }
            double[] sorted = ratios.clone();
            Arrays.sort(sorted);
            double median = rounds % 2 == 1 ? sorted[rounds / 2] : (sorted[rounds / 2 - 1] + sorted[rounds / 2]) / 2;
            System.out.printf(Locale.ROOT, "median ratio kd_cached/plain=%.3f over %d rounds (min %.3f, max %.3f);"
                    + " teacher cache %.2f MiB, computed in %.2f s once per data set (each KD run here)%n", median, rounds,
                    sorted[0], sorted[rounds - 1], cacheMib, cacheSeconds);
            if (live) {
                try (SlimModel again = Slim.model("cnn-small").data(data).width(0.25).build()) {
                    Slim.train(plain, data).epochs(1).measureLatency(false).run();
                    Slim.distill(teacher).student(again).data(data).epochs(1).measureLatency(false).cacheTeacher(false)
                            .run();
                    System.out.printf(Locale.ROOT, "teacher every batch: plain_epoch_seconds=%.2f kd_live_epoch_seconds=%.2f"
                            + " ratio=%.3f%n", lastEpochSeconds(plain), lastEpochSeconds(again),
                            lastEpochSeconds(again) / lastEpochSeconds(plain));
                }
            }
        }
    }
}
