package dev.slimkit.measure;

import ai.djl.pytorch.jni.JniUtils;
import dev.slimkit.Slim;
import dev.slimkit.step.StepResult;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.SlimModel;
import java.util.Locale;

/**
 * The check behind {@code install/gpu.sh --verify} (not a unit test): prints {@link Devices} for
 * this JVM's libtorch build, trains {@code cnn-small} (width 1, seed 0) one epoch on the first N
 * Fashion-MNIST training images on DJL's default device, evaluates it on the test split, and ends
 * with one {@code RESULT key=value ...} line. Run it once per build, each in its own JVM.
 */
public final class GpuBuildCheck {

    private GpuBuildCheck() {}

    /** {@code args[0]}: training images (default 10000). */
    public static void main(String[] args) {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Devices devices = Devices.current();
        System.out.print(devices.summary());
        System.out.println("features: " + JniUtils.getFeatures());
        ImageData data = Slim.data("fashion-mnist").limit(images);
        try (SlimModel model = Slim.model("cnn-small").data(data).build()) {
            StepResult r = Slim.train(model, data).epochs(1).run();
            System.out.printf(Locale.ROOT,
                    "RESULT libtorch=%s flavor=%s cudaBuild=%s device=%s gpus=%d images=%d epochSeconds=%.2f accuracy=%.4f%n",
                    devices.libtorchVersion(), devices.flavor(), devices.cudaBuild(), model.device(),
                    devices.gpuCount(), data.train().size(), r.epochs().get(0).seconds(), r.accuracy());
        }
    }
}
