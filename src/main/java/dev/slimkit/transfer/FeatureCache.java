package dev.slimkit.transfer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.slimkit.data.ImageData;
import dev.slimkit.data.ImageSplit;
import dev.slimkit.model.Layer;
import dev.slimkit.model.ModelSpec;
import dev.slimkit.model.SlimModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Feature caching for a frozen backbone (DL4J's {@code TransferLearningHelper} trick): the frozen
 * first layers run once over every image, in inference mode, and the trainable rest (the head)
 * trains on their outputs as a small stand-alone model, whose weights are then copied back. A
 * frozen backbone computes the same outputs every epoch, so this gives the same result as
 * running it each batch, at the cost of one pass.
 */
final class FeatureCache {

    private static final int BATCH = 256;

    /** The name of the flatten layer put in front of a head whose input is not an image. */
    static final String FLATTEN = "cached_features";

    private FeatureCache() {}

    /** The per-image output shape of the first {@code frozen} top-level layers. */
    static long[] featureShape(ModelSpec spec, int frozen) {
        int top = 0;
        for (ModelSpec.LayerTrace t : spec.trace()) {
            if (t.depth() == 0 && ++top == frozen) {
                return t.outputShape();
            }
        }
        throw new IllegalArgumentException("the model has fewer than " + frozen + " top-level layers");
    }

    /**
     * The trainable rest of {@code spec} as a spec of its own, whose input is the cached
     * features: images of the feature shape when it is C×H×W, else vectors stored as F×1×1 and
     * flattened first.
     */
    static ModelSpec headSpec(ModelSpec spec, int frozen) {
        long[] shape = featureShape(spec, frozen);
        List<Layer> rest = new ArrayList<>(spec.layers().subList(frozen, spec.layers().size()));
        int[] image = imageShape(shape);
        if (shape.length != 3) {
            rest.add(0, Layer.flatten(FLATTEN));
        }
        return new ModelSpec(spec.arch() + "-head", image[0], image[1], image[2], spec.classes(),
                spec.widthMultiplier(), rest);
    }

    /** Runs the first {@code frozen} layers of {@code model} over the training and validation splits. */
    static ImageData features(SlimModel model, int frozen, ImageData data) {
        int[] image = imageShape(featureShape(model.spec(), frozen));
        ImageSplit train = split(model, frozen, data.train(), image);
        ImageSplit validation = data.validation().map(v -> split(model, frozen, v, image)).orElse(null);
        // Training never reads the test split (the step evaluates the whole model on the images),
        // so one cached image stands in for it instead of a pass over all of them.
        ImageSplit test = train.limit(1);
        return new ImageData(data.name() + " (cached features)", train, validation, test, data.classNames());
    }

    /** The outputs of the first {@code frozen} top-level layers of {@code model} over {@code images}, as a split. */
    static ImageSplit featuresOf(SlimModel model, int frozen, ImageSplit images) {
        return split(model, frozen, images, imageShape(featureShape(model.spec(), frozen)));
    }

    /** Copies the parameters of {@code paths} from one model to the other (same paths and shapes). */
    static void copy(SlimModel from, SlimModel to, Iterable<String> paths) {
        Map<String, Parameter> source = from.parameters();
        Map<String, Parameter> target = to.parameters();
        for (String path : paths) {
            if (!source.containsKey(path) || !target.containsKey(path)) {
                throw new IllegalStateException("parameter [" + path + "] is missing in [" + from.name() + "] or ["
                        + to.name() + "]");
            }
            target.get(path).getArray().set(source.get(path).getArray().toFloatArray());
        }
    }

    private static ImageSplit split(SlimModel model, int frozen, ImageSplit images, int[] image) {
        int item = image[0] * image[1] * image[2];
        float[] out = new float[Math.multiplyExact(images.size(), item)];
        int[] order = images.identityOrder();
        for (int from = 0; from < images.size(); from += BATCH) {
            dev.slimkit.train.Interrupted.check("feature caching");
            int to = Math.min(images.size(), from + BATCH);
            try (NDManager batch = model.manager().newSubManager()) {
                NDList current = new NDList(images.batchImages(batch, order, from, to));
                ParameterStore store = new ParameterStore(batch, false);
                Iterator<Block> blocks = model.block().layers().values().iterator();
                for (int i = 0; i < frozen; i++) {
                    current = blocks.next().forward(store, current, false);
                }
                NDArray features = current.singletonOrThrow();
                System.arraycopy(features.toFloatArray(), 0, out, from * item, (to - from) * item);
            }
        }
        return new ImageSplit(out, images.labels(), image[0], image[1], image[2], images.numClasses());
    }

    private static int[] imageShape(long[] shape) {
        if (shape.length == 3) {
            return new int[] {(int) shape[0], (int) shape[1], (int) shape[2]};
        }
        long size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        return new int[] {Math.toIntExact(size), 1, 1};
    }
}
