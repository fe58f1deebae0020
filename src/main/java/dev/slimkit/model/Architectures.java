package dev.slimkit.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The built-in architectures, as {@link ModelSpec}s: {@code mlp}, {@code lenet5}, {@code
 * cnn-small} (2 conv + BN + pool + dense) and {@code resnet20} (CIFAR-style, three stages of three
 * {@link Layer.Kind#RESIDUAL residual blocks}). Every width is multiplied by a width multiplier
 * (rounded, at least 1), except the output layer's.
 */
public final class Architectures {

    /** The architecture names {@link #spec} accepts. */
    public static final List<String> NAMES = List.of("mlp", "lenet5", "cnn-small", "resnet20");

    private Architectures() {}

    /**
     * Builds the spec of {@code arch} for images of {@code channels × height × width}.
     *
     * @throws IllegalArgumentException for an unknown name, fewer than 2 classes or a width
     *     multiplier that is not positive
     */
    public static ModelSpec spec(
            String arch, int classes, double width, int channels, int height, int widthPx) {
        if (classes < 2) {
            throw new IllegalArgumentException(
                    "classes must be >= 2, got [" + classes + "]; pass the number of classes of the"
                            + " data");
        }
        if (!(width > 0) || width > 64) {
            throw new IllegalArgumentException(
                    "width multiplier must be in (0, 64], got [" + width + "]; pass e.g. 0.5 or 2");
        }
        List<Layer> layers =
                switch (arch == null ? "" : arch) {
                    case "mlp" -> mlp(classes, width);
                    case "lenet5" -> lenet5(classes, width);
                    case "cnn-small" -> cnnSmall(classes, width);
                    case "resnet20" -> resnet(classes, width, 3);
                    default -> throw new IllegalArgumentException(
                            "unknown architecture [" + arch + "]; choose one of "
                                    + String.join(", ", NAMES));
                };
        ModelSpec spec = new ModelSpec(arch, channels, height, widthPx, classes, width, layers);
        spec.trace(); // fails early if the input is too small for this architecture
        return spec;
    }

    /** The spec of {@code arch} for 1×28×28 images (Fashion-MNIST). */
    public static ModelSpec spec(String arch, int classes, double width) {
        return spec(arch, classes, width, 1, 28, 28);
    }

    static int scaled(int base, double width) {
        return Math.max(1, (int) Math.round(base * width));
    }

    private static List<Layer> mlp(int classes, double w) {
        return List.of(
                Layer.flatten("flatten"),
                Layer.linear("fc1", scaled(256, w)),
                Layer.relu("relu1"),
                Layer.linear("fc2", scaled(128, w)),
                Layer.relu("relu2"),
                Layer.linear("fc3", classes));
    }

    private static List<Layer> lenet5(int classes, double w) {
        return List.of(
                Layer.conv("conv1", scaled(6, w), 5, 1, 2, true),
                Layer.relu("relu1"),
                Layer.maxPool("pool1", 2, 2),
                Layer.conv("conv2", scaled(16, w), 5, 1, 0, true),
                Layer.relu("relu2"),
                Layer.maxPool("pool2", 2, 2),
                Layer.flatten("flatten"),
                Layer.linear("fc1", scaled(120, w)),
                Layer.relu("relu3"),
                Layer.linear("fc2", scaled(84, w)),
                Layer.relu("relu4"),
                Layer.linear("fc3", classes));
    }

    private static List<Layer> cnnSmall(int classes, double w) {
        return List.of(
                Layer.conv("conv1", scaled(32, w), 3, 1, 1, true),
                Layer.batchNorm("bn1"),
                Layer.relu("relu1"),
                Layer.maxPool("pool1", 2, 2),
                Layer.conv("conv2", scaled(64, w), 3, 1, 1, true),
                Layer.batchNorm("bn2"),
                Layer.relu("relu2"),
                Layer.maxPool("pool2", 2, 2),
                Layer.flatten("flatten"),
                Layer.linear("fc1", scaled(128, w)),
                Layer.relu("relu3"),
                Layer.linear("fc2", classes));
    }

    /** CIFAR-style ResNet-(6n+2): stem, three stages of n blocks (16, 32, 64 channels), head. */
    private static List<Layer> resnet(int classes, double w, int blocksPerStage) {
        List<Layer> layers = new ArrayList<>();
        int width = scaled(16, w);
        layers.add(Layer.conv("conv1", width, 3, 1, 1, false));
        layers.add(Layer.batchNorm("bn1"));
        layers.add(Layer.relu("relu1"));
        int in = width;
        for (int stage = 1; stage <= 3; stage++) {
            int out = scaled(16 << (stage - 1), w);
            for (int b = 1; b <= blocksPerStage; b++) {
                int stride = (stage > 1 && b == 1) ? 2 : 1;
                List<Layer> body =
                        List.of(
                                Layer.conv("conv1", out, 3, stride, 1, false),
                                Layer.batchNorm("bn1"),
                                Layer.relu("relu1"),
                                Layer.conv("conv2", out, 3, 1, 1, false),
                                Layer.batchNorm("bn2"));
                List<Layer> shortcut =
                        (stride != 1 || in != out)
                                ? List.of(
                                        Layer.conv("proj", out, 1, stride, 0, false),
                                        Layer.batchNorm("proj_bn"))
                                : List.of();
                layers.add(Layer.residual("s" + stage + "b" + b, body, shortcut));
                in = out;
            }
        }
        layers.add(Layer.globalAvgPool("pool"));
        layers.add(Layer.linear("fc", classes));
        return layers;
    }
}
