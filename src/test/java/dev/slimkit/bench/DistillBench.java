package dev.slimkit.bench;

import dev.slimkit.Slim;
import dev.slimkit.data.ImageData;
import dev.slimkit.distill.DistillStep;
import dev.slimkit.model.History;
import dev.slimkit.model.SlimModel;
import dev.slimkit.step.StepResult;
import java.util.Locale;

/**
 * Distillation cost benchmark (run by {@code install/bench.sh distill [epochs] [images]}): on the
 * first {@code images} Fashion-MNIST training images (default all 60,000), the same student
 * ({@code cnn-small} at width 0.25, seed 0) trained in the same process three ways — plain
 * cross-entropy, distillation from a {@code cnn-small} teacher with cached teacher logits, and
 * distillation running the teacher on every batch — and prints the mean epoch seconds of each,
 * the ratios KD / plain, and the one-off cache time. The teacher's weights are random: the timing
 * does not depend on them.
 */
public final class DistillBench {

    private DistillBench() {}

    private static double meanEpochSeconds(SlimModel m) {
        return m.history().epochs().stream().mapToDouble(History.Epoch::seconds).average().orElse(Double.NaN);
    }

    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        ImageData data = Slim.data("fashion-mnist");
        if (args.length > 1) {
            data = data.limit(Integer.parseInt(args[1]));
        }
        System.out.printf(Locale.ROOT, "data: %s, epochs=%d, student cnn-small width 0.25, teacher cnn-small%n", data,
                epochs);
        try (SlimModel teacher = Slim.model("cnn-small", 10)) {
            SlimModel plain = Slim.model("cnn-small", data, 0.25, 0);
            Slim.train(plain, data).epochs(epochs).measureLatency(false).run();
            DistillStep cached = Slim.distill(teacher).student("cnn-small").width(0.25).data(data).epochs(epochs)
                    .measureLatency(false).as("kd-cached");
            StepResult rc = cached.run();
            DistillStep live = Slim.distill(teacher).student("cnn-small").width(0.25).data(data).epochs(epochs)
                    .measureLatency(false).cacheTeacher(false).as("kd-live");
            live.run();
            double p = meanEpochSeconds(plain);
            double c = meanEpochSeconds(cached.student());
            double l = meanEpochSeconds(live.student());
            double cache = rc.metrics().get("teacher cache seconds");
            System.out.printf(Locale.ROOT, "plain_epoch_seconds=%.2f kd_cached_epoch_seconds=%.2f"
                            + " kd_every_batch_epoch_seconds=%.2f teacher_cache_seconds=%.2f teacher_cache_mib=%.2f%n",
                    p, c, l, cache, rc.metrics().get("teacher cache MiB"));
            System.out.printf(Locale.ROOT, "ratio kd_cached/plain=%.3f (with the cache pass spread over %d epoch(s): %.3f)"
                    + " kd_every_batch/plain=%.3f%n", c / p, epochs, (c + cache / epochs) / p, l / p);
            plain.close();
            cached.student().close();
            live.student().close();
        }
    }
}
