package dev.slimkit.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Where data sets come from: Fashion-MNIST from Debian's {@code dataset-fashion-mnist} package
 * (or any directory with the four IDX files), and seeded synthetic sets for tests. Pixels are
 * scaled to [0, 1] and standardized with the training split's mean and standard deviation.
 */
public final class Datasets {

    /** Where Debian's {@code dataset-fashion-mnist} package puts its files. */
    public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    /** Fashion-MNIST's ten class names, by label. */
    public static final List<String> FASHION_MNIST_CLASSES =
            List.of(
                    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                    "Sneaker", "Bag", "Ankle boot");

    private static final String[] FILES = {
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"
    };

    private Datasets() {}

    /** True when Debian's Fashion-MNIST files are installed. */
    public static boolean fashionMnistInstalled() {
        return findFile(DEBIAN_FASHION_MNIST, FILES[0]) != null;
    }

    /**
     * Loads Fashion-MNIST (60,000 train and 10,000 test images, 1×28×28) from Debian's package.
     *
     * @throws UncheckedIOException naming the folder and {@code apt-get install
     *     dataset-fashion-mnist} when the files are missing
     */
    public static ImageData fashionMnist() {
        return idx(DEBIAN_FASHION_MNIST, "fashion-mnist", FASHION_MNIST_CLASSES).withOrigin("fashion-mnist");
    }

    /**
     * Loads an MNIST-style set from {@code dir}, which must hold {@code train-images-idx3-ubyte},
     * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and {@code
     * t10k-labels-idx1-ubyte} (each optionally {@code .gz}). Classes are named by number unless
     * the set has Fashion-MNIST's ten.
     */
    public static ImageData idx(Path dir) {
        return idx(dir, "idx:" + dir, null).withOrigin("idx:" + dir);
    }

    private static ImageData idx(Path dir, String name, List<String> classNames) {
        Path[] paths = new Path[FILES.length];
        for (int i = 0; i < FILES.length; i++) {
            paths[i] = findFile(dir, FILES[i]);
            if (paths[i] == null) {
                String hint =
                        dir.equals(DEBIAN_FASHION_MNIST)
                                ? "install it with: apt-get install dataset-fashion-mnist"
                                : "pass a folder holding the four MNIST-style IDX files";
                throw new UncheckedIOException(
                        new IOException(
                                "no " + FILES[i] + "[.gz] in [" + dir + "]; " + hint));
            }
        }
        try {
            // The four files are independent: read them on two threads.
            CompletableFuture<IdxReader.IdxArray> trainImages = readAsync(paths[0]);
            CompletableFuture<IdxReader.IdxArray> testImages = readAsync(paths[2]);
            IdxReader.IdxArray trainLabels = IdxReader.read(paths[1]);
            IdxReader.IdxArray testLabels = IdxReader.read(paths[3]);
            IdxReader.IdxArray trainX = join(trainImages);
            IdxReader.IdxArray testX = join(testImages);
            return fromIdx(name, trainX, trainLabels, testX, testLabels, classNames);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Builds a bundle from already-read IDX arrays: images of shape (n, h, w) or (n, c, h, w),
     * labels of shape (n).
     */
    static ImageData fromIdx(
            String name,
            IdxReader.IdxArray trainX,
            IdxReader.IdxArray trainY,
            IdxReader.IdxArray testX,
            IdxReader.IdxArray testY,
            List<String> classNames)
            throws IOException {
        int[] dims = trainX.dims();
        if (dims.length < 3 || trainY.count() != trainX.count() || testY.count() != testX.count()) {
            throw new IOException(
                    "IDX files of [" + name + "] disagree: " + trainX.count() + " train images, "
                            + trainY.count() + " train labels, " + testX.count()
                            + " test images, " + testY.count() + " test labels");
        }
        int channels = dims.length == 4 ? dims[1] : 1;
        int height = dims[dims.length - 2];
        int width = dims[dims.length - 1];
        int[] trainLabels = toInts(trainY.data());
        int[] testLabels = toInts(testY.data());
        int numClasses = 1 + Math.max(max(trainLabels), max(testLabels));
        List<String> names = classNames;
        if (names == null) {
            names = numClasses == 10 ? FASHION_MNIST_CLASSES : numbered(numClasses);
        }
        // Standardize with the training split's statistics.
        byte[] raw = trainX.data();
        double sum = 0;
        double sumSq = 0;
        for (byte b : raw) {
            int v = b & 0xff;
            sum += v;
            sumSq += (double) v * v;
        }
        double mean = sum / raw.length / 255.0;
        double var = sumSq / raw.length / (255.0 * 255.0) - mean * mean;
        float std = (float) Math.sqrt(Math.max(var, 1e-12));
        ImageSplit train =
                new ImageSplit(
                        normalize(raw, (float) mean, std),
                        trainLabels,
                        channels,
                        height,
                        width,
                        numClasses);
        ImageSplit test =
                new ImageSplit(
                        normalize(testX.data(), (float) mean, std),
                        testLabels,
                        channels,
                        height,
                        width,
                        numClasses);
        return new ImageData(name, train, null, test, names);
    }

    /**
     * A seeded synthetic set of 1×28×28 images that a small network separates easily: each class
     * has a random prototype image, and each sample is its class prototype plus Gaussian noise.
     *
     * @param numClasses at least 2
     * @param trainSize training images (at least 1)
     * @param testSize test images (at least 1)
     * @param seed the same seed gives the same images
     */
    public static ImageData synthetic(int numClasses, int trainSize, int testSize, long seed) {
        return synthetic(numClasses, trainSize, testSize, 1, 28, 28, 0.5f, seed);
    }

    /** A synthetic set with a chosen image shape and noise level (see {@link #synthetic}). */
    public static ImageData synthetic(
            int numClasses,
            int trainSize,
            int testSize,
            int channels,
            int height,
            int width,
            float noise,
            long seed) {
        if (numClasses < 2) {
            throw new IllegalArgumentException(
                    "synthetic data needs at least 2 classes, got [" + numClasses + "]");
        }
        if (trainSize < 1 || testSize < 1) {
            throw new IllegalArgumentException(
                    "synthetic data needs at least 1 train and 1 test image, got [" + trainSize
                            + "] and [" + testSize + "]");
        }
        Random random = new Random(seed);
        int itemSize = channels * height * width;
        float[][] prototypes = new float[numClasses][itemSize];
        for (float[] prototype : prototypes) {
            for (int i = 0; i < itemSize; i++) {
                prototype[i] = (float) random.nextGaussian();
            }
        }
        ImageSplit train =
                syntheticSplit(prototypes, trainSize, channels, height, width, noise, random);
        ImageSplit test =
                syntheticSplit(prototypes, testSize, channels, height, width, noise, random);
        return new ImageData("synthetic", train, null, test, numbered(numClasses)).withOrigin("synthetic:" + numClasses
                + "," + trainSize + "," + testSize + "," + channels + "," + height + "," + width + "," + noise + "," + seed);
    }

    /**
     * Opens a data source by name: {@code fashion-mnist} (Debian's package), {@code synthetic}
     * (10 seeded classes, 2,000 train and 500 test images), {@code idx:DIR} (a folder of IDX
     * files) or {@code folder:DIR} (one sub-folder of images per class, see {@link ImageFolder}).
     *
     * @throws IllegalArgumentException naming the value and the allowed sources
     */
    public static ImageData fromSource(String source) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException(
                    "data source is empty; choose fashion-mnist, synthetic, idx:DIR or folder:DIR");
        }
        if (source.equals("fashion-mnist")) {
            return fashionMnist();
        }
        if (source.equals("synthetic")) {
            return synthetic(10, 2000, 500, 0);
        }
        if (source.startsWith("synthetic:")) {
            String[] f = source.substring("synthetic:".length()).split(",");
            try {
                return synthetic(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                        Integer.parseInt(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]), Float.parseFloat(f[6]),
                        Long.parseLong(f[7]));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("synthetic source [" + source + "] needs classes,train,test,channels,"
                        + "height,width,noise,seed, e.g. synthetic:10,2000,500,1,28,28,0.5,0");
            }
        }
        if (source.startsWith("idx:") && source.length() > 4) {
            return idx(Path.of(source.substring(4)));
        }
        if (source.startsWith("folder:") && source.length() > 7) {
            return ImageFolder.of(Path.of(source.substring(7))).load();
        }
        throw new IllegalArgumentException(
                "unknown data source [" + source + "]; choose fashion-mnist, synthetic, idx:DIR or folder:DIR");
    }

    /**
     * Opens a bundle again from its {@link ImageData#origin}: the source, then each recorded step
     * ({@code limit N}, {@code test-limit N}, {@code classes 0,2,5}, {@code val FRACTION SEED}) in
     * order. Another JVM gets the same images, provided the source exists there.
     *
     * @throws IllegalArgumentException naming the part that cannot be read
     */
    public static ImageData reopen(String origin) {
        if (origin == null) {
            throw new IllegalArgumentException("data that were not opened from a source cannot be reopened elsewhere;"
                    + " open them with Slim.data(SOURCE) (fashion-mnist, synthetic or idx:DIR)");
        }
        String[] parts = origin.split(" \\| ");
        ImageData data = fromSource(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            String[] op = parts[i].split(" ");
            data = switch (op[0]) {
                case "limit" -> data.limit(Integer.parseInt(op[1]));
                case "test-limit" -> data.testLimit(Integer.parseInt(op[1]));
                case "classes" -> data.classes(op[1]);
                case "val" -> data.validationSplit(Double.parseDouble(op[1]), Long.parseLong(op[2]));
                case "labels" -> data.labels(Integer.parseInt(op[1]), Long.parseLong(op[2]));
                case "augment" -> throw new IllegalArgumentException("data with augmented training batches cannot be"
                        + " reopened in another JVM; run the sweep on(SweepExecutor.local()) or drop the augmentation");
                default -> throw new IllegalArgumentException("data origin [" + origin + "]: unknown step [" + parts[i]
                        + "]; steps are limit, test-limit, classes, labels, val");
            };
        }
        return data;
    }

    private static ImageSplit syntheticSplit(
            float[][] prototypes,
            int size,
            int channels,
            int height,
            int width,
            float noise,
            Random random) {
        int itemSize = channels * height * width;
        float[] pixels = new float[size * itemSize];
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            int label = i % prototypes.length;
            labels[i] = label;
            for (int j = 0; j < itemSize; j++) {
                pixels[i * itemSize + j] =
                        prototypes[label][j] + noise * (float) random.nextGaussian();
            }
        }
        return new ImageSplit(pixels, labels, channels, height, width, prototypes.length);
    }

    private static Path findFile(Path dir, String base) {
        for (String candidate : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static CompletableFuture<IdxReader.IdxArray> readAsync(Path path) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return IdxReader.read(path);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    private static IdxReader.IdxArray join(CompletableFuture<IdxReader.IdxArray> future)
            throws IOException {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw e;
        }
    }

    private static float[] normalize(byte[] raw, float mean, float std) {
        float[] out = new float[raw.length];
        float scale = 1f / (255f * std);
        float shift = mean / std;
        for (int i = 0; i < raw.length; i++) {
            out[i] = (raw[i] & 0xff) * scale - shift;
        }
        return out;
    }

    private static int[] toInts(byte[] bytes) {
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] & 0xff;
        }
        return out;
    }

    private static int max(int[] values) {
        int m = 0;
        for (int v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    private static List<String> numbered(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("class " + i);
        }
        return names;
    }
}
