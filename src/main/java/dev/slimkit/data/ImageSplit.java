package dev.slimkit.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One split (train, validation or test) of an image classification set: normalized pixels in
 * channel-first order and integer labels in {@code [0, numClasses)}. Immutable: every method that
 * changes the selection returns a new split.
 */
public final class ImageSplit {

    private final float[] pixels;
    private final int[] labels;
    private final int channels;
    private final int height;
    private final int width;
    private final int numClasses;

    /**
     * Creates a split; {@code pixels} holds {@code labels.length × channels × height × width}
     * values. The arrays are used as they are (not copied): do not change them afterwards.
     */
    public ImageSplit(
            float[] pixels, int[] labels, int channels, int height, int width, int numClasses) {
        long itemSize = (long) channels * height * width;
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "image shape must be positive, got [" + channels + "x" + height + "x" + width
                            + "]");
        }
        if (pixels.length != labels.length * itemSize) {
            throw new IllegalArgumentException(
                    "pixels hold [" + pixels.length + "] values but " + labels.length + " images of "
                            + itemSize + " values need " + labels.length * itemSize);
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, got [" + numClasses + "]");
        }
        for (int label : labels) {
            if (label < 0 || label >= numClasses) {
                throw new IllegalArgumentException(
                        "label [" + label + "] is outside [0, " + numClasses + ")");
            }
        }
        this.pixels = pixels;
        this.labels = labels;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.numClasses = numClasses;
    }

    /** Number of images. */
    public int size() {
        return labels.length;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int numClasses() {
        return numClasses;
    }

    /** Values per image ({@code channels × height × width}). */
    public int itemSize() {
        return channels * height * width;
    }

    /** The label of image {@code i}. */
    public int label(int i) {
        return labels[i];
    }

    /** A copy of all labels. */
    public int[] labels() {
        return labels.clone();
    }

    /** Number of images of each class. */
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /** A copy of image {@code i}'s values. */
    public float[] image(int i) {
        int n = itemSize();
        return Arrays.copyOfRange(pixels, i * n, (i + 1) * n);
    }

    /** The images at {@code indices}, in that order. */
    public ImageSplit select(int[] indices) {
        int n = itemSize();
        float[] px = new float[indices.length * n];
        int[] lb = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * n, px, i * n, n);
            lb[i] = labels[indices[i]];
        }
        return new ImageSplit(px, lb, channels, height, width, numClasses);
    }

    /** The first {@code count} images (all of them if there are fewer). */
    public ImageSplit limit(int count) {
        if (count < 1) {
            throw new IllegalArgumentException(
                    "limit must be >= 1, got [" + count + "]; pass the number of images to keep");
        }
        if (count >= size()) {
            return this;
        }
        int n = itemSize();
        return new ImageSplit(
                Arrays.copyOf(pixels, count * n),
                Arrays.copyOf(labels, count),
                channels,
                height,
                width,
                numClasses);
    }

    /**
     * Keeps only the images of {@code classes} and relabels them to their position in that list
     * (classes 5..9 become 0..4).
     */
    public ImageSplit filterClasses(int[] classes) {
        int[] newLabel = new int[numClasses];
        Arrays.fill(newLabel, -1);
        for (int i = 0; i < classes.length; i++) {
            newLabel[classes[i]] = i;
        }
        int kept = 0;
        for (int label : labels) {
            if (newLabel[label] >= 0) {
                kept++;
            }
        }
        int n = itemSize();
        float[] px = new float[kept * n];
        int[] lb = new int[kept];
        int j = 0;
        for (int i = 0; i < labels.length; i++) {
            if (newLabel[labels[i]] >= 0) {
                System.arraycopy(pixels, i * n, px, j * n, n);
                lb[j++] = newLabel[labels[i]];
            }
        }
        return new ImageSplit(px, lb, channels, height, width, classes.length);
    }

    /** The input shape of one batch of {@code batchSize} images: (batch, channels, height, width). */
    public Shape batchShape(int batchSize) {
        return new Shape(batchSize, channels, height, width);
    }

    /**
     * Copies the images {@code order[from..to)} into a new NDArray of shape (to-from, C, H, W)
     * owned by {@code manager}, on its device: the pixels are gathered straight into one direct
     * buffer and reach the device in a single copy per batch (no heap-to-direct copy on the way).
     */
    public NDArray batchImages(NDManager manager, int[] order, int from, int to) {
        int n = itemSize();
        ByteBuffer bytes = manager.allocateDirect((to - from) * n * Float.BYTES);
        FloatBuffer buffer = bytes.asFloatBuffer();
        for (int i = from; i < to; i++) {
            buffer.put(pixels, order[i] * n, n);
        }
        return manager.create(bytes, batchShape(to - from), DataType.FLOAT32);
    }

    /**
     * Like {@link #batchImages}, with {@code augment}'s random changes applied to the copies (the split's
     * own pixels are left as they are).
     */
    public NDArray augmentedBatch(NDManager manager, int[] order, int from, int to, Augment augment,
            java.util.Random random) {
        int n = itemSize();
        float[] px = new float[(to - from) * n];
        for (int i = from; i < to; i++) {
            System.arraycopy(pixels, order[i] * n, px, (i - from) * n, n);
        }
        augment.apply(px, to - from, channels, height, width, random);
        return manager.create(px, batchShape(to - from));
    }

    /** The labels {@code order[from..to)} as an int64 NDArray owned by {@code manager}, on its device. */
    public NDArray batchLabels(NDManager manager, int[] order, int from, int to) {
        long[] lb = new long[to - from];
        for (int i = from; i < to; i++) {
            lb[i - from] = labels[order[i]];
        }
        return manager.create(lb);
    }

    /** A random order of 0..size-1 (Fisher-Yates, driven by {@code random}), for shuffled batches. */
    public int[] shuffledOrder(java.util.Random random) {
        int[] order = identityOrder();
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** The identity order 0..size-1, for batching without shuffling. */
    public int[] identityOrder() {
        int[] order = new int[size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        return order;
    }
}
