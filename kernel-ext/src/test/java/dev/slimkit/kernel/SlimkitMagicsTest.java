package dev.slimkit.kernel;

import dev.slimkit.report.Html;
import dev.slimkit.view.Views;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.model.SlimModel;
import dev.slimkit.report.Charts;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

class SlimkitMagicsTest extends MagicsTestSupport {

    @TempDir Path dir;


    private void setUpModel() {
        magics.data(args("fm --source synthetic --limit 256 --test-limit 64 --classes 0-3"));
        magics.model(args("m --arch cnn-small --data fm --width 0.25 --seed 1"));
        sink.clear();
    }

    @Test
    void dataModelTrainEvalSummaryFlow() {
        setUpModel();
        assertEquals(4, session.data("fm").numClasses());
        assertEquals(256, session.data("fm").train().size(), "classes filter first, then --limit caps");
        assertEquals(64, session.data("fm").test().size());
        assertEquals(4, session.model("m").spec().classes());

        magics.train(args("m --data fm --epochs 2 --batch 32 --schedule cosine"));
        List<Object> out = sink.values();
        assertTrue(out.get(0) instanceof Html bar && bar.html().contains("<progress value=\"1.0000\""), out.get(0).toString());
        XYChart chart = (XYChart) out.get(1);
        assertTrue(chart.getSeriesMap().containsKey(Charts.TRAIN_LOSS));
        assertEquals(2, chart.getSeriesMap().get(Charts.TRAIN_ACCURACY).getXData().length, "one point per epoch");
        assertTrue(out.get(2) instanceof Table t && t.name().startsWith("train → m"));
        assertEquals(3, out.size(), "one bar, one chart, one table: updates replace, not append");
        assertTrue(sink.updates.contains("d0") && sink.updates.contains("d1"));
        assertEquals(2, session.model("m").history().epochCount());

        sink.clear();
        magics.eval(args("m --data fm"));
        assertTrue(sink.of(Table.class).get(0).name().contains("accuracy"));
        assertEquals(1, sink.of(HeatMapChart.class).size());
        assertEquals(1, sink.of(org.knowm.xchart.CategoryChart.class).size(), "accuracy per class beside the confusion");
        java.awt.image.BufferedImage grid = sink.of(java.awt.image.BufferedImage.class).get(0);
        assertTrue(grid.getWidth() > 0, "the highest-loss test images are shown by default");
        // An untrained model makes mistakes: its most confused pairs are listed under the matrix.
        magics.model(args("raw --arch mlp --data fm --width 0.25"));
        sink.clear();
        magics.eval(args("raw --data fm --worst 0"));
        var pairs = dev.slimkit.Slim.evaluate(session.model("raw"), session.data("fm"))
                .mostConfused(Views.MOST_CONFUSED, 1);
        assertTrue(!pairs.isEmpty(), "an untrained model confuses classes");
        Table confused = sink.of(Table.class).stream().filter(t -> t.name().contains("most confused pairs")).findFirst()
                .orElseThrow();
        assertEquals(pairs.size(), confused.rowCount());
        for (int i = 0; i < pairs.size(); i++) {
            assertEquals(pairs.get(i).count(), confused.longColumn("images").get(i));
            assertEquals(session.data("fm").classNames().get(pairs.get(i).actual()),
                    confused.stringColumn("true class").get(i));
        }
        sink.clear();
        magics.eval(args("m --data fm --worst 0"));
        assertEquals(0, sink.of(java.awt.image.BufferedImage.class).size(), "--worst 0 shows none");

        sink.clear();
        magics.summary(args("m"));
        assertEquals(2, sink.values().size());
        assertEquals("m (cnn-small)", sink.of(Table.class).get(0).name());

        sink.clear();
        assertError("%compare: model [m] is listed twice; list each model once", () -> magics.compare(args("m m")));
        magics.model(args("m2 --arch mlp --data fm --width 0.25"));
        sink.clear();
        magics.compare(args("m m2 --data fm --no-latency"));
        Table cmp = sink.of(Table.class).get(0);
        assertEquals(2, cmp.rowCount());
        assertEquals(1, sink.of(XYChart.class).size(), "accuracy-vs-MACs chart only without latency");
        sink.clear();
        magics.compare(args("m m2 --data fm --no-latency --against m"));
        Table rows = sink.of(Table.class).get(0);
        Table gain = sink.of(Table.class).get(1);
        assertTrue(gain.name().startsWith("gain against m "), gain.name());
        assertEquals(1, gain.rowCount());
        assertEquals("m2", gain.stringColumn("model").get(0));
        double macs = (double) rows.longColumn("MACs").get(0) / rows.longColumn("MACs").get(1);
        assertEquals(String.format(java.util.Locale.ROOT, "%.2f×", macs), gain.stringColumn("MACs ×").get(0));
        assertEquals(100 * (rows.doubleColumn("accuracy").get(1) - rows.doubleColumn("accuracy").get(0)),
                Double.parseDouble(gain.stringColumn("Δ accuracy (points, n = 1)").get(0)), 0.02, "rounded accuracies");
        assertError("%compare: --against [x] is not among the models compared (m, m2); name one of them",
                () -> magics.compare(args("m m2 --no-latency --against x")));
    }

    @Test
    void saveAndLoadRoundTrip() {
        setUpModel();
        Path file = dir.resolve("m.slim");
        magics.save(List.of("m", file.toString()));
        magics.load(List.of("back", file.toString()));
        SlimModel back = session.model("back");
        assertEquals(session.model("m").spec(), back.spec());
        assertTrue(sink.values().get(1).toString().startsWith("loaded back from"));
        assertError("%load: model [back] exists; pass --replace to replace it (its memory is freed) or load it under"
                + " another NAME", () -> magics.load(List.of("back", file.toString())));
        magics.load(List.of("back", file.toString(), "--replace"));
        assertFalse(back.manager().isOpen(), "the replaced model was freed");
        assertEquals(session.model("m").spec(), session.model("back").spec());
    }

    @Test
    void badInputIsOneLineAndLeavesSessionUnchanged() {
        setUpModel();
        SlimModel before = session.model("m");
        assertError("%train: no data named [nope]; known: fm; create it with %data nope --source fashion-mnist",
                () -> magics.train(args("m --data nope")));
        assertError("%eval: no model named [zz]; known: m; create it with %model zz --arch cnn-small",
                () -> magics.eval(args("zz --data fm")));
        assertError("%model: unknown architecture [vgg]; choose one of mlp, lenet5, cnn-small, resnet20",
                () -> magics.model(args("m --arch vgg")));
        assertError("%train: --epochs must be >= 1, got [-1]; pass e.g. 1", () -> magics.train(args("m --data fm --epochs -1")));
        assertError("%train: batch size must be >= 1, got [0]; pass e.g. 128", () -> magics.train(args("m --data fm --batch 0")));
        assertError("%train: --lr must be a number, got [fast]", () -> magics.train(args("m --data fm --lr fast")));
        assertError("%train: unknown optimizer [rmsprop]; choose adam or sgd",
                () -> magics.train(args("m --data fm --optimizer rmsprop")));
        assertError("%data: cannot read class list [x]; write a range such as 0-4 or a list such as 0,2,5",
                () -> magics.data(args("d --source synthetic --classes x")));
        assertError("%data: unknown data source [cifar]; choose fashion-mnist, synthetic, idx:DIR or folder:DIR",
                () -> magics.data(args("d --source cifar")));
        assertError("%data: no train-images-idx3-ubyte[.gz] in [/nonexistent]; pass a folder holding the four MNIST-style IDX files",
                () -> magics.data(args("d --source idx:/nonexistent")));
        assertError("%load: no model file at [/nonexistent/x.slim]; check the path (save with %save or Slim.save)",
                () -> magics.load(args("x /nonexistent/x.slim")));
        assertError("%model: invalid name [1bad]; use a letter, then letters, digits, _ . or - (e.g. fmnist, teacher)",
                () -> magics.model(args("1bad --arch mlp")));
        assertError("%model: --classes 7 does not match data [fm], which has 4 classes; drop --classes or change it",
                () -> magics.model(args("m --arch mlp --data fm --classes 7")));
        magics.data(args("ten --source synthetic --limit 64"));
        assertError("%train: model [m] has 4 classes but the data has [10]; build the model with --classes 10 or filter the data to 4 classes",
                () -> magics.train(args("m --data ten")));
        assertSame(before, session.model("m"));
        assertFalse(session.hasData("d"));
        assertFalse(session.hasModel("x"));
        assertEquals(0, before.history().epochCount());
    }

    @Test
    void distillMakesStudentAndControlAndRejectsBadSettings() {
        setUpModel();
        magics.train(args("m --data fm --batch 32"));
        sink.clear();
        assertError("%distill: temperature must be > 0, got [0.0]; pass e.g. 4",
                () -> magics.distill(args("m --student mlp --data fm --temperature 0")));
        assertError("%distill: alpha must be in [0, 1], got [1.5]; pass e.g. 0.7", () -> magics.distill(args("m --student mlp --data fm --alpha 1.5")));
        assertError("%distill: no model named [nobody]; known: m; create it with %model nobody --arch cnn-small",
                () -> magics.distill(args("nobody --student mlp --data fm")));
        magics.model(args("ten --arch mlp --classes 10"));
        assertError("%distill: student [ten] has 10 classes but teacher [m] has [4]; use a student with 4 classes",
                () -> magics.distill(args("m --student ten --data fm")));
        assertFalse(session.hasModel("m-student"));
        sink.clear();
        magics.distill(args("m --student mlp --width 0.25 --data fm --epochs 1 --batch 32 --control --no-latency --as small"));
        assertTrue(session.hasModel("small") && session.hasModel("small-scratch"));
        Table table = sink.of(Table.class).get(0);
        assertEquals(3, table.rowCount());
        assertTrue(table.name().contains("teacher/student agreement"), table.name());
        assertEquals(2, sink.of(XYChart.class).size(), "live charts of the student and the control");
    }

    @Test
    void pruneAndSensitivity() {
        setUpModel();
        magics.train(args("m --data fm --batch 32"));
        assertError("%prune: --sparsity must be a number, got [abc]",
                () -> magics.prune(args("m --sparsity abc")));
        assertError("%prune: sparsity must be in [0, 1), got [1.0]; pass a fraction such as 0.8", () -> magics.prune(args("m --sparsity 1")));
        assertError("%prune: unknown criterion [l7]; choose l1 or l2", () -> magics.prune(args("m --criterion l7")));
        assertError("%prune: exclude pattern [zz*] matches no layer; layers: conv1, conv2, fc1, fc2 (or first, last)",
                () -> magics.prune(args("m --exclude zz*")));
        assertError("%prune: scope must be global or layer, got [all]", () -> magics.prune(args("m --scope all")));
        assertFalse(session.model("m").mask().isPresent(), "bad input changed nothing");
        sink.clear();
        magics.prune(args("m --sparsity 0.7 --mode agp --prune-steps 3 --epochs 1 --batch 32 --data fm --no-latency --as sparse"));
        assertTrue(session.hasModel("sparse"));
        assertTrue(session.model("sparse").mask().isPresent());
        assertFalse(session.model("m").mask().isPresent(), "--as leaves the source dense");
        Table perLayer = sink.of(Table.class).stream().filter(t -> t.name().contains("sparsity per layer")).findFirst().orElseThrow();
        assertEquals(0.7, perLayer.doubleColumn("sparsity after").get(perLayer.rowCount() - 1), 0.05);
        assertTrue(sink.of(Table.class).stream().anyMatch(t -> t.name().equals("pruning figures")));
        assertTrue(sink.of(Html.class).stream().anyMatch(h -> h.html().contains("epoch 1/1")), "live progress followed the fine-tune");
        sink.clear();
        magics.sensitivity(args("m --data fm --levels 0.5,0.9"));
        XYChart chart = sink.of(XYChart.class).get(0);
        assertEquals(java.util.Set.of("conv1", "conv2", "fc1", "fc2"), chart.getSeriesMap().keySet());
        assertError("%sensitivity: cannot read level [x] in [0.5,x]; pass fractions such as 0.1,0.3,0.5",
                () -> magics.sensitivity(args("m --data fm --levels 0.5,x")));
    }

    @Test
    void quantizeThenEvaluateTheInt8Model() {
        setUpModel();
        assertError("%quantize: --calibration must be >= 1, got [0]; pass the number of training images to read"
                + " ranges on, e.g. 512", () -> magics.quantize(args("m --data fm --calibration 0")));
        assertError("%quantize: --max-drop must be >= 0 points of validation accuracy, got [-1.0]; pass e.g. 0.5",
                () -> magics.quantize(args("m --data fm --max-drop -1")));
        magics.quantize(args("m --data fm --calibration 16 --no-latency"));
        assertTrue(session.allQuantized().containsKey("m-int8"));
        Table figures = sink.of(Table.class).get(0);
        assertTrue(figures.name().startsWith("m → m-int8"), figures.name());
        assertEquals(3, figures.rowCount(), "validation, test, file: no latency rows with --no-latency");
        sink.clear();
        magics.eval(args("m-int8 --data fm --worst 3"));
        assertTrue(sink.of(Table.class).get(0).name().startsWith("m-int8 (int8, ONNX Runtime) on fm"),
                sink.of(Table.class).get(0).name());
        assertEquals(1, sink.of(HeatMapChart.class).size());
        assertEquals(1, sink.of(java.awt.image.BufferedImage.class).size(), "the 3 highest-loss images");
        assertError("%train: [m-int8] is an int8 model: it runs in ONNX Runtime, has no gradients and no DJL form, so"
                + " it cannot be trained, pruned, trimmed, summarized or quantized again; use its float model [m], or"
                + " save it with %quantize --save FILE.onnx", () -> magics.train(args("m-int8 --data fm --epochs 1")));
    }

    @Test
    void trimShowsGroupsWidthsAndFigures() {
        setUpModel();
        assertError("%trim: --remove must be in (0, 1), got [1.5]; pass the fraction of channels to remove, e.g. 0.5",
                () -> magics.trim(args("m --remove 1.5")));
        assertError("%trim: pass one of --remove, --macs, --params or --latency, not --macs as well",
                () -> magics.trim(args("m --remove 0.5 --macs 0.5")));
        assertError("%trim: nothing to trim; pass --remove, --macs, --params, --latency or --blocks", () -> magics.trim(args("m")));
        assertError("%trim: criterion must be l1, l2-group, taylor or bn, got [l3]", () -> magics.trim(args("m --remove 0.5 --criterion l3")));
        assertError("%trim: --max-per-layer applies with --global only; add --global or drop it",
                () -> magics.trim(args("m --remove 0.5 --max-per-layer 0.5")));
        assertError("%trim: --epochs-per-cut applies with --cuts > 1; pass e.g. --cuts 4",
                () -> magics.trim(args("m --remove 0.5 --epochs-per-cut 1")));
        assertError("%trim: criterion taylor needs --data: its gradients come from training batches",
                () -> magics.trim(args("m --remove 0.5 --criterion taylor")));
        assertError("%train: --bn-l1 must be in [0, 1], got [-1.0]; pass e.g. 1e-4", () -> magics.train(args("m --data fm --bn-l1 -1")));
        assertError("%trim: exclude pattern [zz] matches no trimmable layer; layers: conv1, conv2, fc1 (or first, last)",
                () -> magics.trim(args("m --remove 0.5 --exclude zz")));
        assertFalse(session.hasModel("m-trimmed"));
        sink.clear();
        magics.trim(args("m --remove 0.5 --round 2 --epochs 1 --batch 32 --data fm --no-latency"));
        SlimModel t = session.model("m-trimmed");
        assertEquals(4, t.spec().layers().get(0).out(), "8 → 4 channels");
        Table groups = sink.of(Table.class).get(0);
        assertEquals(3, groups.rowCount());
        assertTrue(sink.of(Table.class).stream().anyMatch(x -> x.name().equals("trimming figures")));
        assertEquals(8, session.model("m").spec().layers().get(0).out(), "source unchanged");
        assertTrue(sink.of(Html.class).stream().anyMatch(h -> h.html().contains("epoch 1/1")), "live progress followed the fine-tune");
    }

    @Test
    void sparseTrainingThenIterativeGlobalTaylorTrim() {
        setUpModel();
        magics.train(args("m --data fm --batch 32 --bn-l1 1e-3"));
        XYChart gammas = sink.of(XYChart.class).stream().filter(c -> c.getTitle().contains("|gamma| before and after"))
                .findFirst().orElseThrow();
        assertEquals(java.util.Set.of("before", "after"), gammas.getSeriesMap().keySet());
        sink.clear();
        magics.trim(args("m --remove 0.5 --global --criterion taylor --calibration 2 --cuts 2 --epochs-per-cut 1"
                + " --round 2 --batch 32 --data fm --no-latency --as it"));
        assertTrue(session.hasModel("it"));
        Table groups = sink.of(Table.class).get(0);
        assertEquals("kind", groups.columnNames().get(1));
        List<String> titles = sink.of(XYChart.class).stream().map(XYChart::getTitle).toList();
        assertTrue(titles.contains("it: test accuracy per step"), titles.toString());
        assertTrue(titles.contains("it: MACs per step (fraction of the original)"), titles.toString());
    }

    @Test
    void transferShowsFrozenTableAndReplacesHead() {
        setUpModel();
        magics.train(args("m --data fm --batch 32"));
        magics.data(args("two --source synthetic --limit 128 --test-limit 32 --classes 5,6"));
        assertError("%transfer: --classes 3 does not match the target data, which has 2 classes; filter the data"
                + " with %data --classes or drop --classes", () -> magics.transfer(args("m --data two --classes 3")));
        assertError("%transfer: unknown freeze mode [most]; choose backbone, none, or a number of first layers such as 3",
                () -> magics.transfer(args("m --data two --freeze most")));
        assertError("%transfer: --epochs must be >= 1, got [-2]; pass e.g. 1", () -> magics.transfer(args("m --data two --epochs -2")));
        sink.clear();
        magics.transfer(args("m --data two --epochs 2 --unfreeze-after 1 --batch 32 --as t2"));
        assertEquals(2, session.model("t2").spec().classes());
        assertEquals(4, session.model("m").spec().classes(), "--as leaves the base unchanged");
        Table frozen = sink.of(Table.class).get(0);
        assertTrue(frozen.name().contains("trainable and frozen"));
        assertEquals("no", frozen.stringColumn("trainable").get(0), "conv1 frozen");
        assertEquals("yes", frozen.stringColumn("trainable").get(frozen.rowCount() - 2), "head trainable");
        assertTrue(sink.of(Table.class).stream().anyMatch(t -> t.name().equals("transfer figures")));
    }

    @Test
    void torchScriptBaseLoadsTransfersAndRefusesTrimming() {
        setUpModel();
        String dirOf = Path.of("../src/test/resources/torchscript").toAbsolutePath().normalize().toString();
        magics.model(args("tb --from " + dirOf + "/tiny_backbone.pt --classes 4"));
        assertEquals(List.of("backbone", "flatten", "head"),
                session.model("tb").spec().layers().stream().map(l -> l.name()).toList());
        String shown = ((Html) sink.values().get(0)).html();
        assertTrue(shown.contains("TorchScript from tiny_backbone.pt, 4 classes, input 1x28x28"), shown);
        assertTrue(shown.contains("MACs unknown"), shown);
        sink.clear();
        magics.transfer(args("tb --data fm --epochs 2 --batch 32 --as tb2 --cache-features"));
        Table figures = sink.of(Table.class).stream().filter(t -> t.name().equals("transfer figures")).findFirst()
                .orElseThrow();
        assertTrue(figures.print().contains("feature cache seconds"), figures.print());
        XYChart live = sink.of(XYChart.class).get(0);
        assertEquals(2, live.getSeriesMap().get(Charts.TRAIN_ACCURACY).getXData().length,
                "the live chart followed the head trained on cached features");
        assertError("%trim: model [tb] has TorchScript layer [backbone] (from tiny_backbone.pt) whose graph slimkit cannot"
                + " see, so it cannot be trimmed; use %prune for sparsity, or rebuild the network as a slimkit"
                + " architecture", () -> magics.trim(args("tb --remove 0.5")));
        assertError("%model: [tiny_classifier.pt] outputs 3 classes but data [fm] has 4; pass --classes 4 to load it"
                + " as a backbone under a new head", () -> magics.model(args("x --from " + dirOf + "/tiny_classifier.pt --data fm")));
        assertError("%model: --from loads a TorchScript file; drop --arch",
                () -> magics.model(args("x --from " + dirOf + "/tiny_backbone.pt --arch mlp")));
        assertError("%model: no TorchScript file at [/nope.pt]; check the path", () -> magics.model(args("x --from /nope.pt")));
        assertError("%model: --input [3x32] must be CxHxW with sizes >= 1, e.g. 1x28x28",
                () -> magics.model(args("x --from " + dirOf + "/tiny_backbone.pt --input 3x32")));
        assertError("%model: TorchScript model [tiny_backbone.pt] outputs [8, 7, 7] per image, not class scores; pass"
                + " --classes N to put a linear head of N classes on it",
                () -> magics.model(args("x --from " + dirOf + "/tiny_backbone.pt")));
        assertFalse(session.allModels().containsKey("x"), "nothing half-made is kept");
    }

    @Test
    void helpAndOverviewDisplayUsage() {
        magics.train(List.of("--help"));
        assertTrue(((Html) sink.values().get(0)).html().contains("--optimizer OPT"));
        magics.slimkit(List.of());
        String overview = ((Html) sink.values().get(1)).html();
        assertTrue(overview.contains("(cpu, CPU build)") && overview.contains("GPUs: 0"), overview);
        for (String name : List.of("%data", "%model", "%train", "%eval", "%summary", "%compare", "%save", "%load")) {
            assertTrue(overview.contains(name), name);
        }
    }

    private static void assertError(String expected, Runnable action) {
        UsageError e = assertThrows(UsageError.class, action::run);
        assertEquals(expected, e.getMessage());
        assertEquals(0, e.getStackTrace().length, "usage errors carry no stack trace");
    }
}
