package dev.slimkit;

import dev.slimkit.data.ImageData;
import dev.slimkit.model.Architectures;
import dev.slimkit.model.SlimModel;

/**
 * A fresh model of a built-in architecture, named setters instead of positional numbers:
 * {@code Slim.model("cnn-small").data(fmnist).width(0.5).seed(1).build()}. Defaults: 10 classes of
 * 1×28×28 images (Fashion-MNIST) unless {@link #data} or {@link #classes} say otherwise, width 1,
 * seed 0, named after the architecture. {@code %model NAME --arch A} builds through this.
 */
public final class ModelBuilder {

    /** Classes of a model built without data or {@link #classes}. */
    public static final int DEFAULT_CLASSES = 10;

    private final String arch;
    private ImageData data;
    private Integer classes;
    private double width = 1.0;
    private long seed;
    private String name;

    ModelBuilder(String arch) {
        this.arch = arch;
    }

    /** Takes the class count and image shape from {@code value}. */
    public ModelBuilder data(ImageData value) {
        data = value;
        return this;
    }

    /** The number of classes (checked against {@link #data} when both are given). */
    public ModelBuilder classes(int value) {
        classes = value;
        return this;
    }

    /** Width multiplier of every layer, in (0, 64]; default 1. */
    public ModelBuilder width(double value) {
        width = value;
        return this;
    }

    /** Seed of the initial weights; default 0. */
    public ModelBuilder seed(long value) {
        seed = value;
        return this;
    }

    /** The model's name; default the architecture's. */
    public ModelBuilder name(String value) {
        name = value;
        return this;
    }

    /**
     * The model.
     *
     * @throws IllegalArgumentException for an unknown architecture, a bad width, fewer than 2
     *     classes, or a class count that contradicts the data
     */
    public SlimModel build() {
        if (data != null && classes != null && classes != data.numClasses()) {
            throw new IllegalArgumentException("classes(...) [" + classes + "] contradicts data [" + data.name() + "] ("
                    + data.numClasses() + " classes); drop classes(...) or pass " + data.numClasses());
        }
        int n = classes != null ? classes : data != null ? data.numClasses() : DEFAULT_CLASSES;
        int[] shape = data != null ? data.imageShape() : new int[] {1, 28, 28};
        return SlimModel.create(name != null ? name : arch, Architectures.spec(arch, n, width, shape[0], shape[1],
                shape[2]), seed);
    }
}
