package dev.slimkit.kernel;

import dev.slimkit.report.Html;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.data.Augment;
import dev.slimkit.model.Layer;
import dev.slimkit.model.SlimModel;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** %data --source folder:DIR, %model --from FILE.onnx and %export, with their one-line errors. */
class BringYourOwnMagicsTest extends MagicsTestSupport {

    @TempDir Path dir;

    private static final String ONNX = Path.of("../src/test/resources/onnx").toAbsolutePath().normalize().toString();

    /** Two classes of 28x28 grey noise, one dark and one bright, {@code n} images each. */
    private Path folder(int n) throws Exception {
        Random random = new Random(1);
        Path root = dir.resolve("imgs");
        for (String c : List.of("dark", "bright")) {
            Files.createDirectories(root.resolve(c));
            for (int i = 0; i < n; i++) {
                BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
                for (int p = 0; p < 28 * 28; p++) {
                    img.getRaster().setSample(p % 28, p / 28, 0, (c.equals("dark") ? 0 : 128) + random.nextInt(128));
                }
                ImageIO.write(img, "png", root.resolve(c).resolve(i + ".png").toFile());
            }
        }
        return root;
    }

    @Test
    void folderDataImportTrainExport() throws Exception {
        Path root = folder(8);
        magics.data(args("img --source folder:" + root + " --test 0.25 --augment flip,crop"));
        assertEquals(List.of("bright", "dark"), session.data("img").classNames());
        assertArrayEquals(new int[] {1, 28, 28}, session.data("img").imageShape());
        assertEquals(12, session.data("img").train().size());
        assertEquals(new Augment(true, 3), session.data("img").augment().orElseThrow());

        magics.model(args("p --from " + ONNX + "/tiny-resnet.onnx"));
        SlimModel p = session.model("p");
        assertEquals(Layer.Kind.RESIDUAL, p.spec().layers().get(2).kind());
        sink.clear();
        Path out = dir.resolve("p.onnx");
        magics.export(args("p " + out));
        String line = ((Html) sink.values().get(0)).html().replaceFirst("^<div>", "");
        assertTrue(line.startsWith("p: wrote " + out) && line.contains("checked in ONNX Runtime on 32 seeded random"
                + " images (pass data to check on real ones): max |Δ| "), line);
        assertTrue(Files.size(out) > 1000);

        assertError("%model: [tiny-resnet.onnx] takes 1x28x28 images and outputs 10 classes, but data [img] has 2"
                + " classes of 1x28x28 images; load the data with a matching --size, --channels and classes",
                () -> magics.model(args("q --from " + ONNX + "/tiny-resnet.onnx --data img")));
        assertError("%model: --from FILE.onnx reads the architecture, input shape and classes from the file; drop --arch",
                () -> magics.model(args("q --from " + ONNX + "/tiny-resnet.onnx --arch mlp")));
        assertError("%model: [sigmoid.onnx] node [/Sigmoid] (op Sigmoid) cannot be read: an op slimkit does not read;"
                + " it reads Conv, BatchNormalization, Relu, MaxPool, AveragePool, GlobalAveragePool, Gemm, MatMul, Add,"
                + " Flatten, Reshape, Identity, Dropout, Pad", () -> magics.model(args("q --from " + ONNX + "/sigmoid.onnx")));
        assertFalse(session.allModels().containsKey("q"), "nothing half-made is kept");
    }

    @Test
    void folderBadInputIsOneLine() throws Exception {
        Path root = folder(2);
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertError("%data: image folder [" + empty + "] is empty: it holds no class sub-folders; lay it out as"
                + " DIR/CLASS/IMAGE.png, one sub-folder per class", () -> magics.data(args("x --source folder:" + empty)));
        assertError("%data: channels must be 1 or 3, got [2]; pass --channels 1 for grey or --channels 3 for colour",
                () -> magics.data(args("x --source folder:" + root + " --channels 2")));
        assertError("%data: pass --test-dir or --test, not both",
                () -> magics.data(args("x --source folder:" + root + " --test-dir " + root + " --test 0.5")));
        assertError("%data: --size applies to --source folder:DIR only",
                () -> magics.data(args("x --source synthetic --size 28x28")));
        assertError("%data: cannot read image size [28]; write HxW, e.g. --size 28x28",
                () -> magics.data(args("x --source folder:" + root + " --size 28")));
        assertError("%data: unknown augmentation [rotate]; pass --augment flip, --augment crop or both as flip,crop",
                () -> magics.data(args("x --source synthetic --augment rotate")));
        assertFalse(session.allData().containsKey("x"));
    }

    @Test
    void torchScriptExportIsRefused() {
        String ts = Path.of("../src/test/resources/torchscript").toAbsolutePath().normalize().toString();
        magics.model(args("tb --from " + ts + "/tiny_classifier.pt"));
        UsageError e = assertThrows(UsageError.class, () -> magics.export(args("tb " + dir.resolve("x.onnx"))));
        assertTrue(e.getMessage().startsWith("%export: model [tb] holds TorchScript layer [") && e.getMessage().endsWith(
                "whose graph slimkit cannot see, so it cannot be written as ONNX; export the PyTorch module with"
                        + " torch.onnx.export and import that file instead"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.onnx")));
    }

    @Test
    void compareAddsOnnxRuntimeBesideDjl() {
        magics.model(args("a --arch mlp --width 0.25"));
        magics.model(args("b --arch lenet5"));
        sink.clear();
        magics.compare(args("a b --runtime djl,onnx"));
        tech.tablesaw.api.Table rt = sink.of(tech.tablesaw.api.Table.class).stream()
                .filter(t -> t.name().startsWith("latency per runtime")).findFirst().orElseThrow();
        assertEquals(List.of("a", "a", "b", "b"), rt.stringColumn("model").asList());
        assertEquals(List.of("DJL (PyTorch)", "ONNX Runtime", "DJL (PyTorch)", "ONNX Runtime"),
                rt.stringColumn("runtime").asList());
        assertTrue(rt.stringColumn("ms batch 32 (IQR)").get(1).matches("[0-9.]+ \\([0-9.]+\\)"), rt.print());
        assertError("%compare: unknown runtime [tf]; choose djl, onnx or both as djl,onnx",
                () -> magics.compare(args("a b --runtime tf")));
        assertError("%compare: --runtime onnx times the models; it needs latency, so drop --no-latency",
                () -> magics.compare(args("a --runtime onnx --no-latency")));
    }

    private static void assertError(String expected, Runnable action) {
        UsageError e = assertThrows(UsageError.class, action::run);
        assertEquals(expected, e.getMessage());
    }
}
