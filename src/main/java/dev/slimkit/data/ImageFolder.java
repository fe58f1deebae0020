package dev.slimkit.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Images in the common {@code ImageFolder} layout, {@code DIR/CLASS/IMAGE}: one sub-folder per class (the
 * class names are the folder names, sorted), PNG, JPEG, BMP or GIF files decoded with {@code javax.imageio}
 * and, when {@link #size} is set, resized (bilinear) once into memory. Channels follow the images (1 when
 * every image is grey, else 3) unless {@link #channels} says. The test split is another folder of the same
 * layout ({@link #testDir}) or a seeded, per-class fraction of this one ({@link #test}, default {@value
 * #DEFAULT_TEST_FRACTION}). Pixels are standardized per channel with the training split's mean and
 * standard deviation. Files with other extensions are ignored; an image file that cannot be decoded is
 * refused (the whole folder, naming the file), never skipped silently.
 */
public final class ImageFolder {

    /** The test fraction used when neither {@link #testDir} nor {@link #test} is given. */
    public static final double DEFAULT_TEST_FRACTION = 0.2;

    /** The file extensions read as images (case-insensitive). */
    public static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp", "gif");

    private final Path dir;
    private int height;
    private int width;
    private int channels;
    private Path testDir;
    private double testFraction = Double.NaN;
    private long seed;
    private Augment augment;
    private String augmentText;

    private ImageFolder(Path dir) {
        this.dir = dir;
    }

    /** A folder of class sub-folders; set options, then {@link #load()}. */
    public static ImageFolder of(Path dir) {
        return new ImageFolder(dir);
    }

    /** Resizes every image to {@code height × width}. */
    public ImageFolder size(int height, int width) {
        if (height < 1 || width < 1 || height > 4096 || width > 4096) {
            throw new IllegalArgumentException("image size must be between 1x1 and 4096x4096, got [" + height + "x"
                    + width + "]; pass e.g. size(28x28)");
        }
        this.height = height;
        this.width = width;
        return this;
    }

    /** Resizes every image to {@code HxW} as typed, e.g. {@code 32x32}. */
    public ImageFolder size(String text) {
        String[] parts = text == null ? new String[0] : text.strip().split("[xX]", -1);
        if (parts.length != 2 || !parts[0].matches("[0-9]{1,5}") || !parts[1].matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("cannot read image size [" + text + "]; write HxW, e.g. size(28x28)");
        }
        return size(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    /** 1 (grey: RGB images become luma) or 3 (RGB: grey images are repeated). */
    public ImageFolder channels(int value) {
        if (value != 1 && value != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got [" + value + "]; pass channels(1) for"
                    + " grey or channels(3) for colour");
        }
        this.channels = value;
        return this;
    }

    /** Takes the test split from another folder of the same classes. */
    public ImageFolder testDir(Path value) {
        this.testDir = value;
        return this;
    }

    /** Moves a seeded {@code fraction} of each class's images to the test split. */
    public ImageFolder test(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in (0, 1), got [" + fraction
                    + "]; pass e.g. test(0.2)");
        }
        this.testFraction = fraction;
        return this;
    }

    /** Seeds the test split (default 0). */
    public ImageFolder seed(long value) {
        this.seed = value;
        return this;
    }

    /** Augments training batches: {@code flip}, {@code crop} or {@code flip,crop} (see {@link Augment}). */
    public ImageFolder augment(String text) {
        Augment.parse(text, 8); // check now; the crop's pad follows the final image height
        this.augmentText = text;
        return this;
    }

    /**
     * Decodes and resizes every image once and returns the data set.
     *
     * @throws IllegalArgumentException one line for a missing or empty folder, a single class, an image
     *     that cannot be decoded, images of mixed sizes without {@link #size}, or test classes that differ
     */
    public ImageData load() {
        if (testDir != null && !Double.isNaN(testFraction)) {
            throw new IllegalArgumentException("pass testDir(...) or test(...), not both");
        }
        List<ClassFolder> classes = scan(dir);
        Decoded first = decode(classes.get(0).files.get(0));
        int h = height > 0 ? height : first.h;
        int w = width > 0 ? width : first.w;
        Loaded train = read(classes, h, w);
        Loaded test;
        if (testDir != null) {
            List<ClassFolder> testClasses = scan(testDir);
            List<String> a = classes.stream().map(c -> c.name).toList();
            List<String> b = testClasses.stream().map(c -> c.name).toList();
            if (!a.equals(b)) {
                throw new IllegalArgumentException("test folder [" + testDir + "] has classes " + b + " but [" + dir
                        + "] has " + a + "; give both the same class sub-folders");
            }
            test = read(testClasses, h, w);
        } else {
            Loaded[] parts = split(train, Double.isNaN(testFraction) ? DEFAULT_TEST_FRACTION : testFraction);
            train = parts[0];
            test = parts[1];
        }
        int c = channels > 0 ? channels : (train.allGrey && test.allGrey ? 1 : 3);
        byte[] trainPx = train.pixels(c);
        byte[] testPx = test.pixels(c);
        float[][] stats = stats(trainPx, c, h * w);
        List<String> names = classes.stream().map(cf -> cf.name).toList();
        ImageData data = new ImageData("folder:" + dir, new ImageSplit(normalize(trainPx, stats, c, h * w), train.labels,
                c, h, w, names.size()), null, new ImageSplit(normalize(testPx, stats, c, h * w), test.labels, c, h, w,
                names.size()), names);
        return augmentText == null ? data : data.augment(Augment.parse(augmentText, h));
    }

    /** One class: its folder name and its image files, sorted. */
    private record ClassFolder(String name, List<Path> files) {}

    private static List<ClassFolder> scan(Path root) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("image folder [" + root + "] does not exist or is not a folder; pass a"
                    + " folder with one sub-folder per class");
        }
        List<ClassFolder> out = new ArrayList<>();
        try (Stream<Path> subs = Files.list(root)) {
            for (Path sub : subs.filter(Files::isDirectory).filter(p -> !hidden(p)).sorted().toList()) {
                List<Path> files;
                try (Stream<Path> f = Files.list(sub)) {
                    files = f.filter(Files::isRegularFile).filter(p -> !hidden(p)).filter(ImageFolder::isImage)
                            .sorted().toList();
                }
                if (files.isEmpty()) {
                    throw new IllegalArgumentException("class folder [" + sub + "] holds no PNG, JPEG, BMP or GIF"
                            + " images; add some or remove the folder");
                }
                out.add(new ClassFolder(sub.getFileName().toString(), files));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list image folder [" + root + "]: " + e, e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("image folder [" + root + "] is empty: it holds no class sub-folders;"
                    + " lay it out as DIR/CLASS/IMAGE.png, one sub-folder per class");
        }
        if (out.size() == 1) {
            throw new IllegalArgumentException("image folder [" + root + "] holds one class only [" + out.get(0).name
                    + "]; a classifier needs at least 2 class sub-folders");
        }
        return out;
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** One image as 8-bit samples, channel-first: 1 channel when grey, else 3. */
    private record Decoded(byte[] px, int channels, int h, int w, Path file) {}

    /** The images of every class at h × w; labels follow the class order. */
    private final class Loaded {
        final Decoded[] images;
        final int[] labels;
        final boolean allGrey;

        Loaded(Decoded[] images, int[] labels) {
            this.images = images;
            this.labels = labels;
            this.allGrey = Arrays.stream(images).allMatch(d -> d.channels == 1);
        }

        byte[] pixels(int c) {
            int hw = images.length == 0 ? 0 : images[0].h * images[0].w;
            byte[] out = new byte[images.length * c * hw];
            for (int i = 0; i < images.length; i++) {
                Decoded d = images[i];
                int base = i * c * hw;
                if (d.channels == c) {
                    System.arraycopy(d.px, 0, out, base, c * hw);
                } else if (c == 3) { // grey → RGB
                    for (int k = 0; k < 3; k++) {
                        System.arraycopy(d.px, 0, out, base + k * hw, hw);
                    }
                } else { // RGB → luma (ITU-R 601)
                    for (int p = 0; p < hw; p++) {
                        int r = d.px[p] & 0xff;
                        int g = d.px[hw + p] & 0xff;
                        int b = d.px[2 * hw + p] & 0xff;
                        out[base + p] = (byte) ((299 * r + 587 * g + 114 * b + 500) / 1000);
                    }
                }
            }
            return out;
        }
    }

    private Loaded read(List<ClassFolder> classes, int h, int w) {
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            for (Path f : classes.get(c).files) {
                files.add(f);
                labels.add(c);
            }
        }
        boolean resize = height > 0;
        Decoded[] images = IntStream.range(0, files.size()).parallel().mapToObj(i -> {
            Decoded d = decode(files.get(i), resize ? h : 0, resize ? w : 0);
            return d;
        }).toArray(Decoded[]::new);
        for (Decoded d : images) {
            if (d.h != h || d.w != w) {
                throw new IllegalArgumentException("images differ in size: [" + images[0].file + "] is " + images[0].h
                        + "x" + images[0].w + " but [" + d.file + "] is " + d.h + "x" + d.w + "; pass size(HxW) to"
                        + " resize them all, e.g. size(" + h + "x" + w + ")");
            }
        }
        return new Loaded(images, labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** A seeded split of each class into train and test. */
    private Loaded[] split(Loaded all, double fraction) {
        Random random = new Random(seed);
        int classes = Arrays.stream(all.labels).max().orElse(0) + 1;
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < all.labels.length; i++) {
                if (all.labels[i] == c) {
                    idx.add(i);
                }
            }
            java.util.Collections.shuffle(idx, random);
            int nTest = (int) Math.round(idx.size() * fraction);
            if (nTest < 1 || nTest >= idx.size()) {
                throw new IllegalArgumentException("class [" + c + "] has " + idx.size() + " images: a test fraction of "
                        + fraction + " leaves its train or test split empty; add images or pass testDir(...)");
            }
            List<Integer> t = new ArrayList<>(idx.subList(0, nTest));
            List<Integer> r = new ArrayList<>(idx.subList(nTest, idx.size()));
            java.util.Collections.sort(t);
            java.util.Collections.sort(r);
            test.addAll(t);
            train.addAll(r);
        }
        return new Loaded[] {subset(all, train), subset(all, test)};
    }

    private Loaded subset(Loaded all, List<Integer> idx) {
        return new Loaded(idx.stream().map(i -> all.images[i]).toArray(Decoded[]::new),
                idx.stream().mapToInt(i -> all.labels[i]).toArray());
    }

    private static Decoded decode(Path file) {
        return decode(file, 0, 0);
    }

    /** Decodes one file, resized to th × tw when th > 0. */
    private static Decoded decode(Path file, int th, int tw) {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw unreadable(file, e.getMessage());
        }
        if (img == null) {
            throw unreadable(file, "no PNG, JPEG, BMP or GIF decoder recognises it");
        }
        boolean grey = img.getColorModel().getNumColorComponents() == 1
                && !(img.getColorModel() instanceof IndexColorModel);
        if (th > 0 && (img.getHeight() != th || img.getWidth() != tw)) {
            BufferedImage out = new BufferedImage(tw, th, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
            Graphics2D g = out.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, 0, 0, tw, th, null);
            g.dispose();
            img = out;
        }
        int h = img.getHeight();
        int w = img.getWidth();
        if (grey) {
            Raster r = img.getRaster();
            int shift = Math.max(0, r.getSampleModel().getSampleSize(0) - 8);
            byte[] px = new byte[h * w];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    px[y * w + x] = (byte) (row[x] >> shift);
                }
            }
            return new Decoded(px, 1, h, w, file);
        }
        int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] px = new byte[3 * h * w];
        boolean allGrey = true;
        for (int p = 0; p < rgb.length; p++) {
            int r = (rgb[p] >> 16) & 0xff;
            int g = (rgb[p] >> 8) & 0xff;
            int b = rgb[p] & 0xff;
            px[p] = (byte) r;
            px[h * w + p] = (byte) g;
            px[2 * h * w + p] = (byte) b;
            allGrey &= r == g && g == b;
        }
        return allGrey ? new Decoded(Arrays.copyOf(px, h * w), 1, h, w, file) : new Decoded(px, 3, h, w, file);
    }

    private static IllegalArgumentException unreadable(Path file, String why) {
        return new IllegalArgumentException("cannot decode image [" + file + "] (" + (why == null ? "unreadable" : why)
                .replaceAll("\\s+", " ") + "); the folder is refused, not skipped: fix or remove that file");
    }

    /** Per-channel mean and standard deviation of 8-bit samples scaled to [0, 1]. */
    private static float[][] stats(byte[] px, int c, int hw) {
        float[][] out = new float[2][c];
        int n = px.length / (c * hw);
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                int base = (i * c + ch) * hw;
                for (int p = 0; p < hw; p++) {
                    int v = px[base + p] & 0xff;
                    sum += v;
                    sq += (double) v * v;
                }
            }
            double count = (double) n * hw;
            double mean = sum / count / 255.0;
            double var = sq / count / (255.0 * 255.0) - mean * mean;
            out[0][ch] = (float) mean;
            out[1][ch] = (float) Math.sqrt(Math.max(var, 1e-12));
        }
        return out;
    }

    private static float[] normalize(byte[] px, float[][] stats, int c, int hw) {
        float[] out = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            int ch = (i / hw) % c;
            float scale = 1f / (255f * stats[1][ch]);
            out[i] = (px[i] & 0xff) * scale - stats[0][ch] / stats[1][ch];
        }
        return out;
    }
}
