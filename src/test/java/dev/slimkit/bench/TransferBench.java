package dev.slimkit.bench;

import dev.slimkit.Slim;
import dev.slimkit.step.StepResult;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.SlimModel;
import dev.slimkit.transfer.TransferStep;
import java.util.Locale;
import java.util.Map;

/**
 * Feature-caching benchmark (run by {@code install/bench.sh transfer}): transfers {@code
 * cnn-small} to Fashion-MNIST classes 5–9 (all 30k training images) with a frozen backbone, once
 * running the backbone every batch and once with cached features, in the same process, and prints
 * both training times (the feature pass included), their ratio and the largest weight difference between the two results (the same
 * training, so it should be float noise). Random base weights: the timing does not depend on them.
 */
public final class TransferBench {

    private TransferBench() {}

    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        ImageData target = Slim.data("fashion-mnist").classes(5, 6, 7, 8, 9);
        System.out.printf(Locale.ROOT, "target: %s, epochs=%d%n", target, epochs);
        for (String freeze : new String[] {"backbone", "9"}) {
            try (SlimModel base = Slim.model("cnn-small").classes(10).build()) {
                TransferStep plain = Slim.transfer(base).data(target).freeze(freeze).epochs(epochs).as("plain");
                TransferStep cached = Slim.transfer(base).data(target).freeze(freeze).epochs(epochs).as("cached")
                        .cacheFeatures(true);
                StepResult p = plain.run();
                StepResult c = cached.run();
                double diff = 0;
                Map<String, ai.djl.nn.Parameter> a = plain.model().parameters();
                for (var e : cached.model().parameters().entrySet()) {
                    float[] x = a.get(e.getKey()).getArray().toFloatArray();
                    float[] y = e.getValue().getArray().toFloatArray();
                    for (int i = 0; i < x.length; i++) {
                        diff = Math.max(diff, Math.abs(x[i] - y[i]));
                    }
                }
                System.out.printf(Locale.ROOT, "freeze=%s trainable=%d uncached_seconds=%.2f cached_seconds=%.2f"
                                + " feature_seconds=%.2f speedup=%.2fx accuracy_uncached=%.4f accuracy_cached=%.4f"
                                + " max_weight_diff=%.2e%n",
                        freeze, p.before().trainableParams(), p.metrics().get("training seconds"),
                        c.metrics().get("training seconds"), c.metrics().get("feature cache seconds"),
                        p.metrics().get("training seconds") / c.metrics().get("training seconds"),
                        p.accuracy(), c.accuracy(), diff);
                plain.model().close();
                cached.model().close();
            }
        }
    }
}
