package dev.slimkit.bench;

import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.data.ImageFolder;
import dev.slimkit.data.IdxReader;
import dev.slimkit.data.ImageSplit;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * Image-folder benchmark (run by {@code install/bench.sh folder [DIR]}): writes Fashion-MNIST (Debian's
 * {@code dataset-fashion-mnist}) as 70,000 PNGs in the ImageFolder layout ({@code DIR/train/CLASS/NNNNN.png},
 * {@code DIR/test/...}), then loads them with {@link ImageFolder} and prints images per second, beside the
 * IDX reader's time on the same images in the same run and the largest pixel difference between the two
 * loads (0 expected: PNG is lossless and both standardize with the training mean and deviation).
 */
public final class FolderBench {

    private FolderBench() {}

    public static void main(String[] args) throws IOException {
        Path root = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("slimkit-folder-bench");
        long t0 = System.nanoTime();
        ImageData idx = Datasets.fashionMnist();
        double idxSeconds = (System.nanoTime() - t0) / 1e9;
        List<String> folders = idx.classNames().stream().map(n -> n.replaceAll("[^A-Za-z0-9-]", "_")).toList();
        long w0 = System.nanoTime();
        writeSplit("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", root.resolve("train"), folders);
        writeSplit("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", root.resolve("test"), folders);
        double writeSeconds = (System.nanoTime() - w0) / 1e9;
        int images = idx.train().size() + idx.test().size();
        long l0 = System.nanoTime();
        ImageData folder = ImageFolder.of(root.resolve("train")).testDir(root.resolve("test")).load();
        double loadSeconds = (System.nanoTime() - l0) / 1e9;
        double diff = Math.max(maxDiff(idx.train(), folder.train(), folders, folder.classNames()),
                maxDiff(idx.test(), folder.test(), folders, folder.classNames()));
        System.out.println("folder: " + folder);
        System.out.printf(Locale.ROOT, "images=%d png_write_seconds=%.2f folder_load_seconds=%.2f"
                + " folder_images_per_second=%.0f idx_load_seconds=%.2f idx_images_per_second=%.0f"
                + " folder_over_idx_time=%.1fx max_pixel_diff=%.2e threads=%d%n",
                images, writeSeconds, loadSeconds, images / loadSeconds, idxSeconds, images / idxSeconds,
                loadSeconds / idxSeconds, diff, Runtime.getRuntime().availableProcessors());
    }

    /** Writes each image of the IDX pair as DIR/CLASS/NNNNN.png, its 8-bit values as they are. */
    private static void writeSplit(String images, String labels, Path dir, List<String> folders) throws IOException {
        for (String f : folders) {
            Files.createDirectories(dir.resolve(f));
        }
        IdxReader.IdxArray x = IdxReader.read(Datasets.DEBIAN_FASHION_MNIST.resolve(images));
        IdxReader.IdxArray y = IdxReader.read(Datasets.DEBIAN_FASHION_MNIST.resolve(labels));
        int h = x.dims()[1];
        int w = x.dims()[2];
        IntStream.range(0, x.count()).parallel().forEach(i -> {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            for (int p = 0; p < h * w; p++) {
                img.getRaster().setSample(p % w, p / w, 0, x.data()[i * h * w + p] & 0xff);
            }
            try {
                ImageIO.write(img, "png", dir.resolve(folders.get(y.data()[i] & 0xff)).resolve(String.format(Locale.ROOT,
                        "%05d.png", i)).toFile());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Largest |Δ| between IDX images and the folder's, matched by class and then by index order. */
    private static double maxDiff(ImageSplit idx, ImageSplit folder, List<String> folders, List<String> folderClasses) {
        List<List<Integer>> byLabel = new ArrayList<>();
        for (int c = 0; c < folders.size(); c++) {
            byLabel.add(new ArrayList<>());
        }
        for (int i = 0; i < idx.size(); i++) {
            byLabel.get(idx.label(i)).add(i);
        }
        int[] next = new int[folders.size()];
        double max = 0;
        for (int i = 0; i < folder.size(); i++) {
            int label = folders.indexOf(folderClasses.get(folder.label(i)));
            float[] a = idx.image(byLabel.get(label).get(next[label]++));
            float[] b = folder.image(i);
            for (int p = 0; p < a.length; p++) {
                max = Math.max(max, Math.abs(a[p] - b[p]));
            }
        }
        return max;
    }
}
