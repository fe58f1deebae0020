package dev.slimkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.FitLoop;
import dev.slimkit.train.TrainConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image folders written by the test itself: layout, sizes, channels, formats, augmentation, bad input. */
class ImageFolderTest {

    @TempDir Path dir;

    /** A grey image whose left half is {@code left} and right half {@code right}. */
    static BufferedImage grey(int h, int w, int left, int right) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, x < w / 2 ? left : right);
            }
        }
        return img;
    }

    static BufferedImage rgb(int h, int w, int r, int g, int b) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    static void write(Path file, BufferedImage img, String format) throws IOException {
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img, format, file.toFile()), "no writer for " + format);
    }

    /** classes a, b, c with {@code n} grey 8x6 images each: left half 0, right half 255 (class a mirrored). */
    Path layout(String name, int n) throws IOException {
        Path root = dir.resolve(name);
        for (String c : List.of("b", "a", "c")) {
            for (int i = 0; i < n; i++) {
                write(root.resolve(c).resolve(i + ".png"), c.equals("a") ? grey(8, 6, 255, 0) : grey(8, 6, 0, 255), "png");
            }
        }
        return root;
    }

    @Test
    void layoutClassesShapeAndNormalisationFromTrain() throws IOException {
        Path train = layout("train", 4);
        Path test = dir.resolve("test");
        for (String c : List.of("a", "b", "c")) {
            write(test.resolve(c).resolve("x.png"), grey(8, 6, 255, 255), "png");
        }
        Files.writeString(train.resolve("a").resolve("notes.txt"), "not an image: ignored");
        ImageData data = ImageFolder.of(train).testDir(test).load();
        assertEquals(List.of("a", "b", "c"), data.classNames());
        assertArrayEquals(new int[] {1, 8, 6}, data.imageShape());
        assertEquals(12, data.train().size());
        assertEquals(3, data.test().size());
        assertArrayEquals(new int[] {4, 4, 4}, data.train().classCounts());
        // train pixels are half 0 and half 255: mean 0.5, std 0.5, so they standardize to exactly -1 and 1
        float[] a0 = data.train().image(0);
        assertEquals(1f, a0[0], 1e-6); // class a: left half white
        assertEquals(-1f, a0[5], 1e-6);
        float[] b0 = data.train().image(4);
        assertEquals(0, data.train().label(0));
        assertEquals(1, data.train().label(4));
        assertEquals(-1f, b0[0], 1e-6);
        // an all-white test image uses the training statistics: 1 everywhere (its own would give 0/0)
        for (float v : data.test().image(0)) {
            assertEquals(1f, v, 1e-6);
        }
        assertEquals("folder:" + train, data.name());
    }

    @Test
    void seededTestFractionIsPerClass() throws IOException {
        Path root = layout("all", 10);
        ImageData d = ImageFolder.of(root).test(0.3).seed(4).load();
        assertArrayEquals(new int[] {7, 7, 7}, d.train().classCounts());
        assertArrayEquals(new int[] {3, 3, 3}, d.test().classCounts());
        ImageData byDefault = ImageFolder.of(root).load();
        assertArrayEquals(new int[] {2, 2, 2}, byDefault.test().classCounts(), "default 0.2");
        assertEquals(d.toString(), ImageFolder.of(root).test(0.3).seed(4).load().toString());
    }

    @Test
    void resizeChannelsAndFormats() throws IOException {
        Path root = dir.resolve("mixed");
        write(root.resolve("red").resolve("1.png"), rgb(16, 12, 255, 0, 0), "png");
        write(root.resolve("red").resolve("2.jpg"), rgb(10, 10, 250, 0, 0), "jpg");
        write(root.resolve("grey").resolve("3.bmp"), rgb(16, 12, 90, 90, 90), "bmp");
        write(root.resolve("grey").resolve("4.gif"), grey(20, 20, 90, 90), "gif");
        ImageData colour = ImageFolder.of(root).size("8x8").testDir(root).load();
        assertArrayEquals(new int[] {3, 8, 8}, colour.imageShape(), "a colour image makes the set RGB");
        assertEquals(List.of("grey", "red"), colour.classNames());
        ImageData luma = ImageFolder.of(root).size(8, 8).channels(1).testDir(root).load();
        assertArrayEquals(new int[] {1, 8, 8}, luma.imageShape());
        // the red PNG in luma: 0.299 * 255 = 76, the grey ones 90; after standardization red is darker
        float red = luma.train().image(2)[27];
        float grey = luma.train().image(0)[27];
        assertTrue(red < grey, red + " vs " + grey);
        // grey images repeated into three identical planes
        Path greys = layout("greys", 2);
        ImageData three = ImageFolder.of(greys).channels(3).testDir(greys).load();
        float[] img = three.train().image(0);
        int hw = 8 * 6;
        for (int p = 0; p < hw; p++) {
            assertEquals(img[p], img[hw + p]);
            assertEquals(img[p], img[2 * hw + p]);
        }
    }

    @Test
    void augmentationIsDeterministicPerSeedAndTrainingOnly() throws IOException {
        Path root = layout("aug", 6);
        ImageData data = ImageFolder.of(root).testDir(root).augment("flip,crop").load();
        assertEquals(new Augment(true, 1), data.augment().orElseThrow());
        ImageSplit s = data.train();
        int[] order = s.identityOrder();
        try (NDManager m = NDManager.newBaseManager()) {
            float[] a = s.augmentedBatch(m, order, 0, 18, data.augment().get(), new Random(1)).toFloatArray();
            float[] b = s.augmentedBatch(m, order, 0, 18, data.augment().get(), new Random(1)).toFloatArray();
            float[] c = s.augmentedBatch(m, order, 0, 18, data.augment().get(), new Random(2)).toFloatArray();
            float[] plain = s.batchImages(m, order, 0, 18).toFloatArray();
            assertArrayEquals(a, b, "same seed, same batch");
            assertFalse(java.util.Arrays.equals(a, c), "another seed, another batch");
            assertFalse(java.util.Arrays.equals(a, plain), "augmented");
            // flip only: every image is itself or its mirror
            float[] f = s.augmentedBatch(m, order, 0, 18, new Augment(true, 0), new Random(3)).toFloatArray();
            int mirrored = 0;
            for (int i = 0; i < 18; i++) {
                float[] img = s.image(i);
                boolean same = true;
                boolean mirror = true;
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 6; x++) {
                        float v = f[i * 48 + y * 6 + x];
                        same &= v == img[y * 6 + x];
                        mirror &= v == img[y * 6 + 5 - x];
                    }
                }
                assertTrue(same || mirror, "image " + i);
                mirrored += mirror && !same ? 1 : 0;
            }
            assertTrue(mirrored > 0 && mirrored < 18, mirrored + " of 18 mirrored");
        }
        // the fit loop uses it: same seed same weights, augmented differs from plain; the split is unchanged
        float[] before = data.train().image(0);
        float[] w1 = fit(data, 0);
        assertArrayEquals(w1, fit(data, 0));
        assertFalse(java.util.Arrays.equals(w1, fit(data.augment(null), 0)));
        assertArrayEquals(before, data.train().image(0));
    }

    private static float[] fit(ImageData data, long seed) {
        var spec = dev.slimkit.model.Architectures.spec("mlp", 3, 0.1, 1, 8, 6);
        try (SlimModel m = SlimModel.create("m", spec, 0)) {
            FitLoop.fit(m, data, TrainConfig.defaults().batchSize(6).seed(seed), List.of());
            return m.parameters().get("fc1.weight").getArray().toFloatArray();
        }
    }

    @Test
    void emptyFolder() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertEquals("image folder [" + empty + "] is empty: it holds no class sub-folders; lay it out as"
                + " DIR/CLASS/IMAGE.png, one sub-folder per class", message(ImageFolder.of(empty)));
        Path missing = dir.resolve("missing");
        assertEquals("image folder [" + missing + "] does not exist or is not a folder; pass a folder with one"
                + " sub-folder per class", message(ImageFolder.of(missing)));
        Path noImages = layout("noimg", 1);
        Files.createDirectories(noImages.resolve("d"));
        assertEquals("class folder [" + noImages.resolve("d") + "] holds no PNG, JPEG, BMP or GIF images; add some or"
                + " remove the folder", message(ImageFolder.of(noImages)));
    }

    @Test
    void oneClassOnly() throws IOException {
        Path root = dir.resolve("one");
        write(root.resolve("cat").resolve("1.png"), grey(4, 4, 0, 9), "png");
        assertEquals("image folder [" + root + "] holds one class only [cat]; a classifier needs at least 2 class"
                + " sub-folders", message(ImageFolder.of(root)));
    }

    @Test
    void unreadableImageIsRefusedNotSkipped() throws IOException {
        Path root = layout("bad", 2);
        Path junk = root.resolve("b").resolve("junk.png");
        Files.writeString(junk, "this is not a PNG");
        assertEquals("cannot decode image [" + junk + "] (no PNG, JPEG, BMP or GIF decoder recognises it); the folder"
                + " is refused, not skipped: fix or remove that file", message(ImageFolder.of(root).testDir(root)));
    }

    @Test
    void mixedSizesNeedSize() throws IOException {
        Path root = layout("sizes", 1);
        Path big = root.resolve("c").resolve("big.png");
        write(big, grey(10, 10, 0, 1), "png");
        String m = message(ImageFolder.of(root).testDir(root));
        assertEquals("images differ in size: [" + root.resolve("a").resolve("0.png") + "] is 8x6 but [" + big
                + "] is 10x10; pass size(HxW) to resize them all, e.g. size(8x6)", m);
        assertArrayEquals(new int[] {1, 8, 6}, ImageFolder.of(root).size(8, 6).testDir(root).load().imageShape());
    }

    @Test
    void badOptions() throws IOException {
        Path root = layout("opts", 5);
        assertEquals("pass testDir(...) or test(...), not both", message(ImageFolder.of(root).testDir(root).test(0.2)));
        assertEquals("cannot read image size [28]; write HxW, e.g. size(28x28)",
                assertThrows(IllegalArgumentException.class, () -> ImageFolder.of(root).size("28")).getMessage());
        assertEquals("channels must be 1 or 3, got [2]; pass channels(1) for grey or channels(3) for colour",
                assertThrows(IllegalArgumentException.class, () -> ImageFolder.of(root).channels(2)).getMessage());
        assertEquals("unknown augmentation [rotate]; pass augment(flip), augment(crop) or both as flip,crop",
                assertThrows(IllegalArgumentException.class, () -> ImageFolder.of(root).augment("flip,rotate"))
                        .getMessage());
        assertEquals("test fraction must be in (0, 1), got [1.0]; pass e.g. test(0.2)",
                assertThrows(IllegalArgumentException.class, () -> ImageFolder.of(root).test(1)).getMessage());
        assertEquals("class [0] has 5 images: a test fraction of 0.05 leaves its train or test split empty; add"
                + " images or pass testDir(...)", message(ImageFolder.of(root).test(0.05)));
        Path other = dir.resolve("other");
        write(other.resolve("a").resolve("1.png"), grey(8, 6, 0, 1), "png");
        write(other.resolve("z").resolve("1.png"), grey(8, 6, 0, 1), "png");
        assertEquals("test folder [" + other + "] has classes [a, z] but [" + root + "] has [a, b, c]; give both the"
                + " same class sub-folders", message(ImageFolder.of(root).testDir(other)));
        assertEquals(3, Datasets.fromSource("folder:" + root).numClasses());
    }

    private static String message(ImageFolder folder) {
        return assertThrows(IllegalArgumentException.class, folder::load).getMessage();
    }
}
