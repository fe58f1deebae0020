package dev.slimkit;

import dev.slimkit.recipe.Grammar;
import dev.slimkit.recipe.RecipeError;
import dev.slimkit.data.Augment;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageFolder;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.Architectures;
import dev.slimkit.model.SlimModel;
import dev.slimkit.onnx.OnnxImport;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The parsed options of the commands that are not steps ({@code %data}, {@code %model}, {@code
 * %lr-find}; grammars in {@link dev.slimkit.recipe.Commands}) turned into the calls a Java cell
 * would make ({@code Slim.data(...).classes(...).limit(...)}, {@code Slim.model(arch)...build()},
 * {@code SlimModel.fromTorchScript}, {@code Slim.lrFind(...)}), with the cross-checks only the
 * options need (an explicit {@code --classes} against the {@code --data} set's). Bad input is a
 * one-line {@link RecipeError}. (The steps' options go through {@link dev.slimkit.recipe.StepKind}.)
 */
public final class FromCommand {

    private FromCommand() {}

    /** %model: a built-in architecture, or a TorchScript file with {@code --from}. */
    public static SlimModel model(Grammar.Parsed a, String name, ImageData data) {
        if (a.has("from") && a.string("from", "").toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
            return fromOnnx(a, name, data);
        }
        return a.has("from") ? fromTorchScript(a, name, data) : fromArch(a, name, data);
    }

    /** The options of %data that only an image folder takes. */
    private static final java.util.List<String> FOLDER_OPTIONS = java.util.List.of("size", "channels", "test-dir", "test");

    /** %data: the source, then the class filter, the limits, the labelled part and the validation split. */
    public static ImageData data(Grammar.Parsed a) {
        if (a.has("val")) {
            ImageData.checkValidationFraction(a.number("val", 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false));
        }
        String source = a.string("source", "fashion-mnist");
        ImageData data;
        if (source.startsWith("folder:") && source.length() > 7) {
            ImageFolder folder = ImageFolder.of(Path.of(source.substring(7)));
            folder = a.has("size") ? folder.size(a.string("size", "")) : folder;
            folder = a.has("channels") ? folder.channels(a.integer("channels", 0, 1)) : folder;
            folder = a.has("test-dir") ? folder.testDir(Path.of(a.string("test-dir", ""))) : folder;
            folder = a.has("test") ? folder.test(a.number("test", 0, 0, 1, false)) : folder;
            folder = a.has("seed") ? folder.seed(a.integer("seed", 0, 0)) : folder;
            data = folder.load();
        } else {
            for (String option : FOLDER_OPTIONS) {
                if (a.has(option)) {
                    throw new RecipeError("%data: --" + option + " applies to --source folder:DIR only");
                }
            }
            data = Datasets.fromSource(source);
        }
        data = a.has("augment") ? data.augment(Augment.parse(a.string("augment", ""), data.imageShape()[1])) : data;
        data = a.has("classes") ? data.classes(a.string("classes", "")) : data;
        data = a.has("limit") ? data.limit(a.integer("limit", 0, 1)) : data;
        data = a.has("test-limit") ? data.testLimit(a.integer("test-limit", 0, 1)) : data;
        data = a.has("labels") ? data.labels(a.integer("labels", 0, 1), a.integer("seed", 0, 0)) : data;
        return a.has("val") ? data.validationSplit(a.number("val", 0, 0, 1, false), a.integer("seed", 0, 0)) : data;
    }

    private static SlimModel fromArch(Grammar.Parsed a, String name, ImageData data) {
        if (a.has("input")) {
            throw new RecipeError("%model: --input applies to --from FILE.pt only; built-in architectures take the"
                    + " --data set's image shape");
        }
        String arch = a.required("arch", "choose one of " + String.join(", ", Architectures.NAMES)
                + ", or load a TorchScript file with --from FILE.pt");
        checkClasses(a, data, 0);
        ModelBuilder model = Slim.model(arch).name(name).data(data);
        a.ifInteger("classes", model::classes);
        if (a.has("width")) {
            model.width(a.number("width", 1.0, 0, 64, true));
        }
        if (a.has("seed")) {
            model.seed(a.integer("seed", 0, 0));
        }
        return model.build();
    }

    private static SlimModel fromOnnx(Grammar.Parsed a, String name, ImageData data) {
        for (String option : java.util.List.of("arch", "width", "input", "classes")) {
            if (a.has(option)) {
                throw new RecipeError("%model: --from FILE.onnx reads the architecture, input shape and classes from the"
                        + " file; drop --" + option);
            }
        }
        Path file = Path.of(a.string("from", ""));
        SlimModel model = OnnxImport.load(name, file, a.integer("seed", 0, 0));
        if (data != null && (model.spec().classes() != data.numClasses()
                || !java.util.Arrays.equals(data.imageShape(), new int[] {model.spec().channels(), model.spec().height(),
                        model.spec().width()}))) {
            model.close();
            throw new RecipeError("%model: [" + file.getFileName() + "] takes " + model.spec().channels() + "x"
                    + model.spec().height() + "x" + model.spec().width() + " images and outputs " + model.spec().classes()
                    + " classes, but data [" + a.string("data", "") + "] has " + data.numClasses() + " classes of "
                    + String.join("x", Arrays.stream(data.imageShape()).mapToObj(String::valueOf).toList())
                    + " images; load the data with a matching --size, --channels and classes");
        }
        return model;
    }

    private static SlimModel fromTorchScript(Grammar.Parsed a, String name, ImageData data) {
        if (a.has("arch") || a.has("width")) {
            throw new RecipeError("%model: --from loads a TorchScript file; drop --" + (a.has("arch") ? "arch" : "width"));
        }
        int classes = checkClasses(a, data, 0);
        int[] shape = a.has("input") ? a.shape("input") : data == null
                ? new int[] {1, 28, 28} : data.imageShape();
        SlimModel model = SlimModel.fromTorchScript(name, Path.of(a.string("from", "")), shape, classes, a.integer("seed", 0, 0));
        if (data != null && model.spec().classes() != data.numClasses()) {
            model.close();
            throw new RecipeError("%model: [" + Path.of(a.string("from", "")).getFileName() + "] outputs "
                    + model.spec().classes() + " classes but data [" + a.string("data", "") + "] has " + data.numClasses()
                    + "; pass --classes " + data.numClasses() + " to load it as a backbone under a new head");
        }
        return model;
    }

    /** %model: an explicit --classes must agree with the --data set's class count. */
    private static int checkClasses(Grammar.Parsed a, ImageData data, int fallback) {
        int classes = a.has("classes") ? a.integer("classes", 0, 2) : fallback;
        if (data != null && a.has("classes") && classes != data.numClasses()) {
            throw new RecipeError("%model: --classes " + classes + " does not match data [" + a.string("data", "")
                    + "], which has " + data.numClasses() + " classes; drop --classes or change it");
        }
        return classes;
    }

    /** %lr-find: the range test's options; batch, optimizer, weight decay and seed as for training. */
    public static dev.slimkit.train.LrFinder lrFinder(Grammar.Parsed a, dev.slimkit.train.LrFinder finder) {
        dev.slimkit.train.TrainConfig config = dev.slimkit.train.TrainConfig.defaults();
        if (a.has("batch")) {
            config = config.batchSize(a.integer("batch", 0, Integer.MIN_VALUE));
        }
        if (a.has("optimizer")) {
            config = config.optimizer(dev.slimkit.train.TrainConfig.Optimizer.parse(a.string("optimizer", "")));
        }
        if (a.has("weight-decay")) {
            config = config.weightDecay(a.number("weight-decay", 0, 0, Double.MAX_VALUE, false));
        }
        if (a.has("seed")) {
            config = config.seed(a.integer("seed", 0, Integer.MIN_VALUE));
        }
        a.ifNumber("start", finder::start);
        a.ifNumber("end", finder::end);
        a.ifInteger("steps", finder::steps);
        return finder.config(config).validate();
    }

    /** %quantize: the quantizer of {@code model} on {@code data} as the options say. */
    public static dev.slimkit.quant.Quantizer quantizer(Grammar.Parsed a, SlimModel model, ImageData data) {
        dev.slimkit.quant.Quantizer q = Slim.quantize(model).data(data).perChannel(!a.flag("per-tensor"))
                .measureLatency(!a.flag("no-latency"));
        a.ifInteger("calibration", q::calibration);
        a.ifGiven("method", q::method);
        a.ifGiven("exclude", q::exclude);
        a.ifNumber("max-drop", q::maxDrop);
        a.ifGiven("as", q::as);
        return q;
    }
}
