package dev.slimkit.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * An image classification data set as the steps use it: a training split, an optional validation
 * split carved out of training, the source's own test split, class names, and optionally a pool of
 * unlabelled training images ({@link #labels}: the images a distillation can use as its transfer
 * set). Immutable; {@link #limit}, {@link #testLimit}, {@link #classes}, {@link #labels} and {@link
 * #validationSplit} return new bundles.
 *
 * <p>Choices (a sensitivity scan, a sweep, a temperature) read {@link #choiceSplit()}: the
 * validation split, never the test split, which is only reported.
 */
public final class ImageData {

    private final String name;
    private final ImageSplit train;
    private final ImageSplit validation;
    private final ImageSplit test;
    private final List<String> classNames;
    private final Augment augment;
    /** Training images whose labels are withheld (kept here only so {@link #classes} can filter them), or null. */
    private final ImageSplit unlabelled;

    /** The fraction of training images {@link #choiceSplit()} carves when a set has no validation split. */
    public static final double CARVED_VALIDATION = 0.1;
    private final String origin;

    /**
     * Creates a bundle; {@code validation} may be null. All splits must agree on image shape and
     * class count, and {@code classNames} must name every class.
     */
    public ImageData(
            String name,
            ImageSplit train,
            ImageSplit validation,
            ImageSplit test,
            List<String> classNames) {
        this(name, train, validation, test, classNames, null, null, null);
    }

    private ImageData(String name, ImageSplit train, ImageSplit validation, ImageSplit test, List<String> classNames,
            Augment augment, ImageSplit unlabelled, String origin) {
        this.augment = augment;
        this.unlabelled = unlabelled;
        this.origin = origin;
        this.name = name;
        this.train = train;
        this.validation = validation;
        this.test = test;
        this.classNames = List.copyOf(classNames);
        if (classNames.size() != train.numClasses() || test.numClasses() != train.numClasses()) {
            throw new IllegalArgumentException(
                    "class names [" + classNames.size() + "], train classes ["
                            + train.numClasses() + "] and test classes [" + test.numClasses()
                            + "] must agree");
        }
    }

    /**
     * The same data with {@code value}'s random flips and crops applied to each training batch (null for
     * none); validation and test images are never changed.
     */
    public ImageData augment(Augment value) {
        return new ImageData(name, train, validation, test, classNames, value, unlabelled, value == null ? origin : then("augment " + value));
    }

    /**
     * How to open this bundle again from its source, e.g. {@code synthetic:10,2000,500,1,28,28,0.5,0 |
     * limit 200 | val 0.1 0}, for another JVM (a sweep's worker or Spark executor; see {@link
     * Datasets#reopen}); null when the bundle was not opened from a source (built by hand).
     */
    public String origin() {
        return origin;
    }

    /** This bundle recorded as opened from {@code value} (see {@link #origin}). */
    public ImageData withOrigin(String value) {
        return new ImageData(name, train, validation, test, classNames, augment, unlabelled, value);
    }

    private String then(String op) {
        return origin == null ? null : origin + " | " + op;
    }

    /** The augmentation of training batches, if any. */
    public Optional<Augment> augment() {
        return Optional.ofNullable(augment);
    }

    /** Where the data came from, e.g. "fashion-mnist". */
    public String name() {
        return name;
    }

    public ImageSplit train() {
        return train;
    }

    /** The validation split, if one was carved out with {@link #validationSplit}. */
    public Optional<ImageSplit> validation() {
        return Optional.ofNullable(validation);
    }

    public ImageSplit test() {
        return test;
    }

    public List<String> classNames() {
        return classNames;
    }

    public int numClasses() {
        return classNames.size();
    }

    /** Image shape as {channels, height, width}. */
    public int[] imageShape() {
        return new int[] {train.channels(), train.height(), train.width()};
    }

    /** Keeps the first {@code count} training images. */
    public ImageData limit(int count) {
        return new ImageData(name, train.limit(count), validation, test, classNames, augment, unlabelled, then("limit " + count));
    }

    /** Keeps the first {@code count} test images. */
    public ImageData testLimit(int count) {
        if (count < 1) {
            throw new IllegalArgumentException(
                    "test limit must be >= 1, got [" + count + "]; pass the number of test images");
        }
        return new ImageData(name, train, validation, test.limit(count), classNames, augment, unlabelled,
                then("test-limit " + count));
    }

    /**
     * Keeps only the listed classes in every split and relabels them 0..k-1 in the order given
     * (classes 5,6,7,8,9 become 0..4).
     *
     * @throws IllegalArgumentException if a class is out of range or repeated, or fewer than two
     *     are given
     */
    public ImageData classes(int... classes) {
        if (classes.length < 2) {
            throw new IllegalArgumentException(
                    "a class filter needs at least 2 classes, got " + describe(classes)
                            + "; pass e.g. 0-4 or 0,2,5");
        }
        boolean[] seen = new boolean[numClasses()];
        List<String> names = new ArrayList<>();
        for (int c : classes) {
            if (c < 0 || c >= numClasses()) {
                throw new IllegalArgumentException(ClassList.outside(run(classes, c), numClasses(), name));
            }
            if (seen[c]) {
                throw new IllegalArgumentException(
                        "class [" + c + "] is listed twice in " + describe(classes)
                                + "; list each class once");
            }
            seen[c] = true;
            names.add(classNames.get(c));
        }
        return new ImageData(
                name,
                train.filterClasses(classes),
                validation == null ? null : validation.filterClasses(classes),
                test.filterClasses(classes),
                names,
                augment, unlabelled == null ? null : unlabelled.filterClasses(classes),
                then("classes " + java.util.Arrays.stream(classes).mapToObj(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(","))));
    }

    /**
     * Keeps the classes of a class list as typed ({@code 5-9}, {@code 0,2,5}, {@code 0-2,7}); every
     * error names the part typed, e.g. {@code class range [3-99] goes past the last class 9}, and
     * comes before anything is allocated, whatever the numbers.
     *
     * @throws IllegalArgumentException naming the part of {@code text} that is wrong
     */
    public ImageData classes(String text) {
        return classes(ClassList.parse(text, numClasses(), name));
    }

    /**
     * Checks a validation fraction: it must lie strictly between 0 and 1 (0 would leave no
     * validation images, 1 no training images), so 0 and 1 get the same message.
     *
     * @throws IllegalArgumentException naming the value
     */
    public static void checkValidationFraction(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException(
                    "validation fraction must be in (0, 1), got [" + plain(fraction)
                            + "]; pass e.g. 0.1");
        }
    }

    /** A number as a person would type it: 0, 1, 0.25, NaN. */
    private static String plain(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    /**
     * Moves a random {@code fraction} of the training images (seeded) into the validation split.
     *
     * @throws IllegalArgumentException for a fraction outside (0, 1) (see {@link
     *     #checkValidationFraction}) or one that leaves a split empty
     */
    public ImageData validationSplit(double fraction, long seed) {
        checkValidationFraction(fraction);
        int n = train.size();
        int nVal = (int) Math.round(n * fraction);
        if (nVal < 1 || nVal >= n) {
            throw new IllegalArgumentException(
                    "validation fraction [" + plain(fraction) + "] of " + n
                            + " training images leaves an empty split; use more data or another"
                            + " fraction");
        }
        int[] order = train.shuffledOrder(new Random(seed));
        int[] valIdx = java.util.Arrays.copyOfRange(order, n - nVal, n);
        int[] trainIdx = java.util.Arrays.copyOfRange(order, 0, n - nVal);
        java.util.Arrays.sort(valIdx);
        java.util.Arrays.sort(trainIdx);
        return new ImageData(
                name, train.select(trainIdx), train.select(valIdx), test, classNames, augment, unlabelled,
                then("val " + plain(fraction) + " " + seed));
    }

    /**
     * Keeps the labels of {@code count} training images, a seeded class-balanced draw (as equal a
     * number per class as the classes allow), and moves the other training images into the
     * unlabelled pool ({@link #unlabelled()}). A validation split carved afterwards comes out of
     * the labelled images. Calling it again shrinks the labelled part further and adds to the pool.
     *
     * @throws IllegalArgumentException unless {@code 1 <= count < } the training images
     */
    public ImageData labels(int count, long seed) {
        int n = train.size();
        if (count < 1 || count >= n) {
            throw new IllegalArgumentException("labels(...) must keep between 1 and " + (n - 1) + " of the " + n
                    + " training images labelled, got [" + count + "]; pass e.g. " + Math.max(1, n / 10));
        }
        int[] order = train.shuffledOrder(new Random(seed));
        int[] rank = new int[n];
        int[] seen = new int[numClasses()];
        for (int i = 0; i < n; i++) {
            rank[order[i]] = seen[train.label(order[i])]++;
        }
        // Round-robin over the classes in shuffled order: each class's k-th image before anyone's (k+1)-th.
        Integer[] byRank = new Integer[n];
        for (int i = 0; i < n; i++) {
            byRank[i] = order[i];
        }
        java.util.Arrays.sort(byRank, java.util.Comparator.comparingInt(i -> rank[i])); // stable: keeps shuffle order
        int[] keep = new int[count];
        int[] rest = new int[n - count];
        for (int i = 0; i < n; i++) {
            if (i < count) {
                keep[i] = byRank[i];
            } else {
                rest[i - count] = byRank[i];
            }
        }
        java.util.Arrays.sort(keep);
        java.util.Arrays.sort(rest);
        ImageSplit pool = train.select(rest);
        return new ImageData(name, train.select(keep), validation, test, classNames, augment,
                unlabelled == null ? pool : ImageSplit.concat(unlabelled, pool), then("labels " + count + " " + seed));
    }

    /**
     * The pool of training images whose labels were withheld by {@link #labels}, every label set
     * to 0 ({@link ImageSplit#withoutLabels()}), or empty when all training images are labelled.
     */
    public Optional<ImageSplit> unlabelled() {
        return Optional.ofNullable(unlabelled).map(ImageSplit::withoutLabels);
    }

    /**
     * The images a distillation takes from this set as its transfer set: the unlabelled pool when
     * {@link #labels} made one, else the training images with their labels dropped.
     */
    public ImageSplit transferImages() {
        return unlabelled().orElseGet(train::withoutLabels);
    }

    /**
     * The split a choice reads, and the note to show with it.
     *
     * @param split the images to choose on
     * @param name what they are, e.g. {@code validation}
     * @param note one line for the user when the split was carved from training images, else null
     */
    public record ChoiceSplit(ImageSplit split, String name, String note) {}

    /**
     * The split every choice (sensitivity, sweeps, a best setting) reads: the validation split;
     * for a set without one, {@link #CARVED_VALIDATION} of the training images (seed 0) with a note
     * saying so. The test split is never a choice's split.
     *
     * @throws IllegalArgumentException when the set has too few training images to carve from
     */
    public ChoiceSplit choiceSplit() {
        if (validation != null) {
            return new ChoiceSplit(validation, "validation", null);
        }
        ImageData carved = validationSplit(CARVED_VALIDATION, 0);
        ImageSplit v = carved.validation().orElseThrow();
        return new ChoiceSplit(v, "carved validation", String.format(java.util.Locale.ROOT,
                "%s has no validation split: this choice read %,d of its training images (%.0f%%, seed 0), which"
                        + " training may have seen; give the data a validation split (validationSplit(...)) for a clean"
                        + " choice", name, v.size(), 100 * CARVED_VALIDATION));
    }

    /** One line: name, sizes, classes and shape. */
    @Override
    public String toString() {
        return String.format(
                "%s: %d train%s, %d validation, %d test images of %dx%dx%d, %d classes%s",
                name,
                train.size(),
                unlabelled == null ? "" : " (labelled) + " + unlabelled.size() + " unlabelled",
                validation == null ? 0 : validation.size(),
                test.size(),
                train.channels(),
                train.height(),
                train.width(),
                numClasses(),
                augment == null ? "" : ", training batches augmented: " + augment);
    }

    /**
     * The run of consecutive classes around {@code c} in {@code classes} as given, written as the
     * user most likely typed it: {@code 3-99} for 3, 4, ..., 99; {@code 12} for a lone class.
     */
    private static ClassList.ClassRange run(int[] classes, int c) {
        int at = 0;
        while (classes[at] != c) {
            at++;
        }
        int first = at;
        while (first > 0 && classes[first - 1] == classes[first] - 1) {
            first--;
        }
        int last = at;
        while (last + 1 < classes.length && classes[last + 1] == classes[last] + 1) {
            last++;
        }
        String text = first == last ? String.valueOf(classes[first]) : classes[first] + "-" + classes[last];
        return new ClassList.ClassRange(text, classes[first], classes[last]);
    }

    private static String describe(int[] classes) {
        return java.util.Arrays.toString(classes);
    }
}
