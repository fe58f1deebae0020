package dev.slimkit.kernel;

import ai.djl.engine.Engine;
import dev.slimkit.Session;
import dev.slimkit.Slim;
import dev.slimkit.StepResult;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.io.ModelIO;
import dev.slimkit.measure.Latency;
import dev.slimkit.model.Architectures;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.report.Charts;
import dev.slimkit.report.ComparisonRow;
import dev.slimkit.report.Tables;
import dev.slimkit.schedule.Schedule;
import dev.slimkit.train.Evaluation;
import dev.slimkit.train.TrainConfig;
import dev.slimkit.train.TrainStep;
import io.github.spencerpark.jupyter.kernel.magic.registry.LineMagic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * slimkit's line magics. Each one only parses its arguments against a {@link MagicArgs} schema,
 * calls the same {@link Slim} / session API a Java cell would, and shows the result through a
 * {@link DisplaySink} (IJava drops a line magic's return value, so magics display their output
 * themselves). Bad input raises a one-line {@link UsageError}; session objects are changed only
 * after a step succeeds.
 */
public final class SlimkitMagics {

    static final MagicArgs DATA = MagicArgs.of("data", "Load a data set into the session under NAME.")
            .positional("NAME", "session name of the data set")
            .option("source", "SOURCE", "fashion-mnist (Debian package), synthetic, or idx:DIR (default fashion-mnist)")
            .option("limit", "N", "keep the first N training images")
            .option("test-limit", "N", "keep the first N test images")
            .option("classes", "LIST", "keep these classes and relabel them 0..k-1, e.g. 5-9 or 0,2,5")
            .option("val", "FRACTION", "move this fraction of training images to a validation split, e.g. 0.1")
            .option("seed", "S", "seed of the validation split (default 0)");
    static final MagicArgs MODEL = MagicArgs.of("model",
            "Build a fresh model into the session under NAME, or load a PyTorch base from a TorchScript file.")
            .positional("NAME", "session name of the model")
            .option("arch", "ARCH", "architecture: " + String.join(", ", Architectures.NAMES))
            .option("from", "FILE.pt", "TorchScript file (torch.jit.script(m).save(...)) instead of --arch; with"
                    + " --classes N it is a backbone under a new head of N classes, without, the whole classifier")
            .option("input", "CxHxW", "image shape a --from model takes (default: the --data set's, else 1x28x28)")
            .option("classes", "N", "number of classes (default: the --data set's, else 10)")
            .option("data", "D", "take classes and image shape from session data D")
            .option("width", "X", "width multiplier (default 1)")
            .option("seed", "S", "seed of the initial weights (default 0)");
    static final MagicArgs TRAIN = MagicArgs.of("train", "Train model NAME on data D, with a live chart and progress bar.")
            .positional("NAME", "session model to train (in place)")
            .option("data", "D", "session data to train on")
            .option("epochs", "N", "passes over the training split (default 1)")
            .option("batch", "N", "batch size (default 128)")
            .option("lr", "X", "base learning rate (default 0.001)")
            .option("optimizer", "OPT", "adam or sgd (default adam)")
            .option("schedule", "S", "learning-rate schedule: constant, linear, cosine, polynomial, one-cycle (default constant)")
            .option("weight-decay", "X", "L2 weight decay (default 0)")
            .option("seed", "S", "seed of the shuffling (default 0)");
    static final MagicArgs TRANSFER = MagicArgs.of("transfer",
            "Fine-tune trained model NAME on new data: new head for the data's classes, backbone frozen (weights,"
                    + " optimizer steps and batch-norm statistics), optionally unfrozen later at a lower learning rate.")
            .positional("NAME", "trained session model (the base)")
            .option("data", "D", "session data of the target task")
            .option("classes", "N", "expected class count of the target (checked against the data)")
            .option("freeze", "MODE", "backbone (all but the head, default), none, or K (the first K layers)")
            .option("epochs", "N", "epochs (default 1)")
            .option("unfreeze-after", "K", "unfreeze everything after K epochs")
            .option("lr", "X", "learning rate (default 0.001)")
            .option("backbone-lr-mult", "F", "learning-rate factor of the backbone once unfrozen (default 0.1)")
            .flag("cache-features", "run the frozen layers once and train the head on their outputs (frozen epochs only)")
            .option("batch", "N", "batch size (default 128)")
            .option("seed", "S", "seed of the shuffling (default 0)")
            .option("as", "NEW", "tune a copy under this name, leaving NAME unchanged");
    static final MagicArgs DISTILL = MagicArgs.of("distill",
            "Distil TEACHER into a smaller student (Hinton KD): loss = alpha·T²·KL(softmax(teacher/T) ‖ softmax(student/T))"
                    + " + (1 − alpha)·CE(labels, student). The teacher runs in inference mode and never changes.")
            .positional("TEACHER", "session model to learn from")
            .option("student", "ARCH|NAME", "a fresh student of this architecture (" + String.join(", ", Architectures.NAMES)
                    + ") or a session model to train")
            .option("data", "D", "session data to distil on")
            .option("width", "X", "width multiplier of a fresh student (default 1)")
            .option("temperature", "T", "softening temperature T > 0 (default 4)")
            .option("alpha", "A", "weight of the soft term in [0, 1] (default 0.7)")
            .option("epochs", "N", "epochs (default 1)")
            .option("batch", "N", "batch size (default 128)")
            .option("lr", "X", "learning rate (default 0.001)")
            .option("schedule", "S", "learning-rate schedule (default constant)")
            .option("seed", "S", "seed of the fresh student's weights and the shuffling (default 0)")
            .flag("control", "also train the same student from scratch with the same budget and seed")
            .flag("no-latency", "skip the latency measurement in the comparison")
            .option("as", "NEW", "session name of the result (a session student is then copied, not changed)");
    static final MagicArgs PRUNE = MagicArgs.of("prune",
            "Zero the least important weights of NAME (unstructured magnitude pruning), keeping the mask through"
                    + " fine-tuning and saving. Compression only on dense CPU kernels: use %trim for speed.")
            .positional("NAME", "session model to prune")
            .option("sparsity", "S", "fraction of the prunable weights to zero, in [0, 1) (default 0.5)")
            .option("scope", "SCOPE", "global (one threshold over all layers) or layer (same sparsity per layer); default global")
            .option("criterion", "C", "l1 or l2 magnitude (default l1)")
            .option("schedule", "S", "oneshot or agp (gradual, Zhu & Gupta; needs --epochs); default oneshot")
            .option("steps", "K", "pruning steps of agp (default 10)")
            .option("epochs", "N", "fine-tuning epochs with the mask kept (default 0)")
            .option("data", "D", "session data for fine-tuning and accuracy")
            .option("exclude", "PATTERNS", "layers to leave dense: comma-separated globs, or first, last")
            .option("lr", "X", "fine-tuning learning rate (default 0.001)")
            .option("batch", "N", "fine-tuning batch size (default 128)")
            .flag("no-latency", "skip the latency measurement")
            .option("as", "NEW", "prune a copy under this session name, leaving NAME unchanged");
    static final MagicArgs SENSITIVITY = MagicArgs.of("sensitivity",
            "Prune one layer at a time at each level and chart accuracy against sparsity per layer.")
            .positional("NAME", "session model (left unchanged)")
            .option("data", "D", "session data (its test split is used)")
            .option("levels", "LIST", "sparsity levels (default 0.1,0.3,0.5,0.7,0.9)")
            .option("exclude", "PATTERNS", "layers to skip: comma-separated globs, or first, last");
    static final MagicArgs TRIM = MagicArgs.of("trim",
            "Remove whole channels and/or residual blocks of NAME: a genuinely smaller, faster dense model. Every channel"
                    + " cut is checked against the original with those channels zeroed (to 1e-4).")
            .positional("NAME", "session model (left unchanged; the result is a new model)")
            .option("channels", "R", "fraction of each group's channels to remove, in (0, 1)")
            .option("macs", "R", "instead: remove channels until MACs are at most this fraction, in (0, 1)")
            .option("criterion", "C", "channel importance: l1 (filter norm, Li et al.) or bn (|gamma|, Network Slimming); default l1")
            .option("round", "N", "keep channel counts multiples of N (default 8)")
            .option("blocks", "K", "also remove the K least important identity residual blocks")
            .option("epochs", "N", "fine-tuning epochs after the cut (default 0)")
            .option("data", "D", "session data for fine-tuning and accuracy")
            .option("exclude", "PATTERNS", "layers to leave whole: comma-separated globs on layer paths")
            .option("lr", "X", "fine-tuning learning rate (default 0.001)")
            .option("batch", "N", "fine-tuning batch size (default 128)")
            .flag("no-latency", "skip the latency measurement")
            .option("as", "NEW", "session name of the trimmed model (default NAME_trimmed)");
    static final MagicArgs EVAL = MagicArgs.of("eval", "Evaluate model NAME on the test split of data D.")
            .positional("NAME", "session model")
            .option("data", "D", "session data (its test split is used)");
    static final MagicArgs SUMMARY = MagicArgs.of("summary", "Per-layer table and parameter chart of model NAME.")
            .positional("NAME", "session model");
    static final MagicArgs COMPARE = MagicArgs.of("compare", "Compare models: size, MACs, measured latency, accuracy, Pareto charts.")
            .positionals("NAME", "session models to compare")
            .option("data", "D", "session data for accuracy (omit to skip accuracy)")
            .flag("no-latency", "skip the latency measurement");
    static final MagicArgs SAVE = MagicArgs.of("save", "Save model NAME to PATH as one self-describing file.")
            .positional("NAME", "session model")
            .positional("PATH", "file to write (e.g. models/student.slim)");
    static final MagicArgs LOAD = MagicArgs.of("load", "Load a model file into the session under NAME.")
            .positional("NAME", "session name for the loaded model")
            .positional("PATH", "file written by %save or Slim.save");
    static final MagicArgs OVERVIEW = MagicArgs.of("slimkit", "Show slimkit's version, engine, device, session objects and commands.");

    /** Every magic's schema, in the order %slimkit lists them. */
    static final List<MagicArgs> ALL = List.of(OVERVIEW, DATA, MODEL, TRAIN, TRANSFER, DISTILL, PRUNE, SENSITIVITY, TRIM, EVAL, SUMMARY, COMPARE, SAVE, LOAD);

    private final Session session;
    private final DisplaySink sink;

    /** Magics working on {@code session} and showing output through {@code sink}. */
    public SlimkitMagics(Session session, DisplaySink sink) {
        this.session = session;
        this.sink = sink;
    }

    /** {@code %slimkit}: overview. */
    @LineMagic("slimkit")
    public void slimkit(List<String> args) {
        if (help(OVERVIEW, args)) {
            return;
        }
        OVERVIEW.parse(args);
        Engine engine = Engine.getInstance();
        StringBuilder html = new StringBuilder("<div><b>slimkit ").append(Slim.VERSION).append("</b> · DJL ")
                .append(Engine.getDjlVersion()).append(" · ").append(engine.getEngineName()).append(' ')
                .append(engine.getVersion()).append(" · device ").append(engine.defaultDevice())
                .append(" · ").append(Latency.threads()).append(" threads</div>");
        html.append("<div>data: ").append(names(session.allData().keySet()))
                .append(" · models: ").append(names(session.allModels().keySet())).append("</div>");
        html.append("<table><thead><tr><th>command</th><th>what it does</th></tr></thead><tbody>");
        for (MagicArgs m : ALL) {
            html.append("<tr><td style=\"text-align:left\"><code>")
                    .append(escape(m.usage().lines().findFirst().orElse("")))
                    .append("</code></td><td style=\"text-align:left\">").append(escape(m.summary())).append("</td></tr>");
        }
        html.append("</tbody></table><div>Each command prints its options with <code>--help</code>.</div>");
        sink.display(Html.of(html.toString()));
    }

    /** {@code %data NAME --source ...}. */
    @LineMagic("data")
    public void data(List<String> args) {
        if (help(DATA, args)) {
            return;
        }
        MagicArgs.Parsed a = DATA.parse(args);
        String name = checkName(a.positional("NAME"));
        String source = a.string("source", "fashion-mnist");
        int limit = a.integer("limit", 0, 1);
        int testLimit = a.integer("test-limit", 0, 1);
        double val = a.number("val", 0, 0, 1, true);
        if (a.has("val") && val >= 1) {
            throw new UsageError("%data: --val must be in (0, 1), got [" + a.string("val", "") + "]");
        }
        long seed = a.integer("seed", 0, 0);
        ImageData data = call(() -> Datasets.fromSource(source));
        if (a.has("classes")) {
            int[] classes = call(() -> Datasets.parseClasses(a.string("classes", "")));
            ImageData base = data;
            data = call(() -> base.classes(classes));
        }
        if (limit > 0) {
            data = data.limit(limit);
        }
        if (testLimit > 0) {
            data = data.testLimit(testLimit);
        }
        if (a.has("val")) {
            ImageData base = data;
            data = call(() -> base.validationSplit(val, seed));
        }
        session.putData(name, data);
        sink.display(Html.of("<div><b>" + escape(name) + "</b>: " + escape(data.toString())
                + "<br>classes: " + escape(String.join(", ", data.classNames())) + "</div>"));
    }

    /** {@code %model NAME --arch ARCH ...}. */
    @LineMagic("model")
    public void model(List<String> args) {
        if (help(MODEL, args)) {
            return;
        }
        MagicArgs.Parsed a = MODEL.parse(args);
        String name = checkName(a.positional("NAME"));
        if (a.has("from")) {
            modelFromTorchScript(a, name);
            return;
        }
        if (a.has("input")) {
            throw new UsageError("%model: --input applies to --from FILE.pt only; built-in architectures take the"
                    + " --data set's image shape");
        }
        String arch = a.required("arch", "choose one of " + String.join(", ", Architectures.NAMES)
                + ", or load a TorchScript file with --from FILE.pt");
        double width = a.number("width", 1.0, 0, 64, true);
        long seed = a.integer("seed", 0, 0);
        ImageData data = a.has("data") ? lookupData(a.string("data", null)) : null;
        int classes = a.integer("classes", data == null ? 10 : data.numClasses(), 2);
        checkModelClasses(a, data, classes);
        int[] shape = data == null ? new int[] {1, 28, 28} : data.imageShape();
        SlimModel model = call(() -> SlimModel.create(name,
                Architectures.spec(arch, classes, width, shape[0], shape[1], shape[2]), seed));
        session.putModel(name, model);
        ModelStats stats = ModelStats.of(model);
        sink.display(Html.of(String.format(Locale.ROOT,
                "<div><b>%s</b>: %s, %d classes, width %s, seed %d — %,d params, %,d MACs per image, on %s</div>",
                escape(name), arch, classes, width, seed, stats.params(), stats.macs(), model.device())));
    }

    private void modelFromTorchScript(MagicArgs.Parsed a, String name) {
        if (a.has("arch") || a.has("width")) {
            throw new UsageError("%model: --from loads a TorchScript file; drop --" + (a.has("arch") ? "arch" : "width"));
        }
        ImageData data = a.has("data") ? lookupData(a.string("data", null)) : null;
        int classes = a.has("classes") ? a.integer("classes", 0, 2) : 0;
        checkModelClasses(a, data, classes);
        int[] shape = a.has("input") ? parseShape(a.string("input", "")) : data == null ? new int[] {1, 28, 28}
                : data.imageShape();
        long seed = a.integer("seed", 0, 0);
        Path file = Path.of(a.string("from", ""));
        int headClasses = classes;
        SlimModel model = call(() -> SlimModel.fromTorchScript(name, file, shape, headClasses, seed));
        if (data != null && model.spec().classes() != data.numClasses()) {
            int got = model.spec().classes();
            model.close();
            throw new UsageError("%model: [" + file.getFileName() + "] outputs " + got + " classes but data ["
                    + a.string("data", "") + "] has " + data.numClasses() + "; pass --classes "
                    + data.numClasses() + " to load it as a backbone under a new head");
        }
        session.putModel(name, model);
        ModelStats stats = ModelStats.of(model);
        List<String> layers = model.spec().layers().stream().map(l -> l.name() + " (" + l.typeName() + ")").toList();
        sink.display(Html.of(String.format(Locale.ROOT,
                "<div><b>%s</b>: TorchScript from %s, %d classes, input %dx%dx%d — %,d params, MACs unknown"
                        + " (opaque graph), on %s<br>layers: %s<br>fine-tune with %%train or %%transfer, sparsify with"
                        + " %%prune; %%trim cannot cut an opaque graph</div>",
                escape(name), escape(file.getFileName().toString()), model.spec().classes(), shape[0], shape[1],
                shape[2], stats.params(), model.device(), escape(String.join(", ", layers)))));
    }

    /** %model: an explicit --classes must agree with the --data set's class count. */
    private static void checkModelClasses(MagicArgs.Parsed a, ImageData data, int classes) {
        if (data != null && a.has("classes") && classes != data.numClasses()) {
            throw new UsageError("%model: --classes " + classes + " does not match data [" + a.string("data", "")
                    + "], which has " + data.numClasses() + " classes; drop --classes or change it");
        }
    }

    private static int[] parseShape(String text) {
        String[] parts = text.split("x");
        if (parts.length != 3) {
            throw new UsageError("%model: --input [" + text + "] must be CxHxW, e.g. 1x28x28");
        }
        int[] shape = new int[3];
        for (int i = 0; i < 3; i++) {
            try {
                shape[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                shape[i] = 0;
            }
            if (shape[i] < 1) {
                throw new UsageError("%model: --input [" + text + "] must be CxHxW with sizes >= 1, e.g. 1x28x28");
            }
        }
        return shape;
    }

    /** {@code %train NAME --data D ...}: live chart and progress bar, then the step's table. */
    @LineMagic("train")
    public void train(List<String> args) {
        if (help(TRAIN, args)) {
            return;
        }
        MagicArgs.Parsed a = TRAIN.parse(args);
        SlimModel model = lookupModel(a.positional("NAME"));
        ImageData data = lookupData(a.required("data", "name the session data to train on, e.g. --data fmnist"));
        TrainConfig config = trainingOptions(a, true).epochs(a.integer("epochs", 1, 1));
        TrainStep step = Slim.train(model, data).config(config);
        call(() -> {
            dev.slimkit.train.Evaluator.checkCompatible(model, data.train());
            return null;
        });
        LiveTraining live = new LiveTraining(sink, model.history(), model.name() + " training", 1500);
        live.start();
        StepResult result = step.listener(live).run();
        live.finish(result.interrupted() ? "interrupted" : "done");
        if (result.interrupted()) {
            throw new UsageError("%train: interrupted after " + result.epochs().stream().mapToInt(e -> e.batches()).sum()
                    + " batches; model [" + model.name() + "] keeps the steps trained so far and its history");
        }
        sink.display(Tables.stepResult(result));
    }

    /** {@code %transfer NAME --data D ...}: frozen/trainable table, live chart, before/after. */
    @LineMagic("transfer")
    public void transfer(List<String> args) {
        if (help(TRANSFER, args)) {
            return;
        }
        MagicArgs.Parsed a = TRANSFER.parse(args);
        SlimModel base = lookupModel(a.positional("NAME"));
        ImageData data = lookupData(a.required("data", "name the target task's session data, e.g. --data target"));
        if (a.has("classes")) {
            int classes = a.integer("classes", 0, 2);
            if (classes != data.numClasses()) {
                throw new UsageError("%transfer: --classes " + classes + " does not match data [" + a.string("data", "")
                        + "], which has " + data.numClasses() + " classes; filter the data with %data --classes or drop --classes");
            }
        }
        String as = a.has("as") ? checkName(a.string("as", null)) : null;
        dev.slimkit.transfer.TransferStep step = call(() -> {
            var t = Slim.transfer(base).to(data)
                    .freeze(a.string("freeze", "backbone"))
                    .epochs(a.integer("epochs", 1, -1_000_000))
                    .backboneLrMultiplier(a.number("backbone-lr-mult", 0.1, -1e9, 1e9, false))
                    .config(trainingOptions(a, true))
                    .cacheFeatures(a.has("cache-features"))
                    .as(as);
            if (a.has("unfreeze-after")) {
                t.unfreezeAfter(a.integer("unfreeze-after", 1, -1_000_000));
            }
            return t.validate();
        });
        ModelStats frozen = step.freezeNow();
        SlimModel tuned = step.model();
        sink.display(Tables.summary(frozen, tuned.name() + ": trainable and frozen layers"));
        LiveTraining live = new LiveTraining(sink, tuned.history(), tuned.name() + " transfer", 1500);
        step.listener(live);
        StepResult result = runWithLive(live, step::run);
        session.putModel(tuned.name(), tuned);
        if (result.interrupted()) {
            throw new UsageError("%transfer: " + String.join("; ", result.notes()) + "; model [" + tuned.name()
                    + "] keeps the steps trained so far");
        }
        sink.display(Tables.stepResult(result));
        sink.display(Tables.metrics(result.metrics(), "transfer figures"));
    }

    /** {@code %distill TEACHER --student ARCH|NAME --data D ...}: live charts, then the comparison. */
    @LineMagic("distill")
    public void distill(List<String> args) {
        if (help(DISTILL, args)) {
            return;
        }
        MagicArgs.Parsed a = DISTILL.parse(args);
        SlimModel teacher = lookupModel(a.positional("TEACHER"));
        ImageData data = lookupData(a.required("data", "name the session data to distil on, e.g. --data fmnist"));
        String studentArg = a.required("student", "pass an architecture (e.g. cnn-small) or a session model");
        String as = a.has("as") ? checkName(a.string("as", null)) : null;
        long seed = a.integer("seed", 0, 0);
        TrainConfig config = trainingOptions(a, true).epochs(a.integer("epochs", 1, 1));
        dev.slimkit.distill.DistillStep step = call(() -> Slim.distill(teacher).data(data)
                .temperature(a.number("temperature", 4, 0, 1000, true))
                .alpha(a.number("alpha", 0.7, 0, 1, false))
                .config(config)
                .control(a.flag("control"))
                .measureLatency(!a.flag("no-latency")));
        SlimModel source = null;
        if (Architectures.NAMES.contains(studentArg)) {
            double width = a.number("width", 1.0, 0, 64, true);
            String name = as != null ? as : checkName(teacher.name() + "_student");
            call(() -> step.student(studentArg).width(width).studentSeed(seed).name(name));
        } else {
            source = call(() -> session.model(studentArg));
            if (a.has("width")) {
                throw new UsageError("%distill: --width applies to a fresh student only; [" + studentArg
                        + "] is a session model");
            }
            step.student(source);
        }
        call(step::validate);
        if (source != null && as != null) {
            step.student(source.copy(as)); // --as leaves the session's student as it is
        }
        SlimModel student = step.prepareStudent();
        LiveTraining live = new LiveTraining(sink, student.history(), student.name() + " distillation", 1500);
        List<LiveTraining> controlLive = new ArrayList<>();
        step.listener(live).controlListener(control -> {
            LiveTraining l = new LiveTraining(sink, control.history(), control.name() + " (scratch control)", 1500);
            controlLive.add(l);
            return l;
        });
        StepResult result = runWithLive(live, step::run);
        controlLive.forEach(l -> l.finish(result.interrupted() ? "interrupted" : "done"));
        session.putModel(student.name(), student);
        if (step.controlModel() != null) {
            session.putModel(student.name() + "_scratch", step.controlModel());
        }
        if (result.interrupted()) {
            throw new UsageError("%distill: " + String.join("; ", result.notes()) + "; model [" + student.name()
                    + "] keeps the steps trained so far");
        }
        Map<String, Double> m = result.metrics();
        sink.display(Tables.comparison(result.comparison(), String.format(Locale.ROOT,
                "distillation %s → %s — teacher/student agreement %.4f; %s", teacher.name(), student.name(),
                m.get("agreement"), String.join("; ", result.notes()))));
    }

    private static StepResult runWithLive(LiveTraining live, java.util.function.Supplier<StepResult> step) {
        live.start();
        StepResult result = step.get();
        live.finish(result.interrupted() ? "interrupted" : "done");
        return result;
    }

    /** {@code %prune NAME --sparsity S ...}: per-layer sparsity, schedule, live fine-tuning, before/after. */
    @LineMagic("prune")
    public void prune(List<String> args) {
        if (help(PRUNE, args)) {
            return;
        }
        MagicArgs.Parsed a = PRUNE.parse(args);
        SlimModel model = lookupModel(a.positional("NAME"));
        ImageData data = a.has("data") ? lookupData(a.string("data", null)) : null;
        String as = a.has("as") ? checkName(a.string("as", null)) : null;
        int epochs = a.integer("epochs", 0, 0);
        dev.slimkit.prune.PruneStep step = call(() -> Slim.prune(model)
                .sparsity(a.number("sparsity", 0.5, -1e9, 1e9, false))
                .scope(a.choice("scope", "global", List.of("global", "layer")).equals("global")
                        ? dev.slimkit.prune.MaskSelector.Scope.GLOBAL : dev.slimkit.prune.MaskSelector.Scope.LAYER)
                .criterion(a.string("criterion", "l1"))
                .mode(a.choice("schedule", "oneshot", List.of("oneshot", "agp")).equals("agp")
                        ? dev.slimkit.prune.PruneStep.Mode.AGP : dev.slimkit.prune.PruneStep.Mode.ONESHOT)
                .steps(a.integer("steps", 10, 1))
                .epochs(epochs)
                .data(data)
                .exclude(a.string("exclude", null))
                .config(trainingOptions(a, false))
                .measureLatency(!a.flag("no-latency"))
                .as(as)
                .validate());
        ModelStats before = ModelStats.of(model);
        LiveTraining live = null;
        if (epochs > 0) {
            SlimModel target = step.prepare();
            live = new LiveTraining(sink, target.history(), target.name() + " fine-tuning", 1500);
            step.listener(live);
        }
        LiveTraining started = live;
        StepResult result = started == null ? step.run() : runWithLive(started, step::run);
        SlimModel pruned = step.model();
        session.putModel(pruned.name(), pruned);
        if (result.interrupted()) {
            throw new UsageError("%prune: " + String.join("; ", result.notes()) + "; model [" + pruned.name()
                    + "] keeps its mask and the steps trained so far");
        }
        sink.display(Tables.layerSparsity(before, result.after(), pruned.name() + ": sparsity per layer"));
        sink.display(Charts.layerSparsity(before, result.after(), pruned.name() + ": sparsity per layer"));
        List<double[]> log = step.scheduleLog();
        java.util.Map<String, double[][]> schedule = new java.util.LinkedHashMap<>();
        schedule.put("target sparsity", new double[][] {log.stream().mapToDouble(p -> p[0]).toArray(),
                log.stream().mapToDouble(p -> p[1]).toArray()});
        sink.display(Charts.lines(pruned.name() + ": sparsity schedule", "step", "sparsity", schedule));
        sink.display(Tables.stepResult(result));
        sink.display(Tables.metrics(result.metrics(), "pruning figures"));
    }

    /** {@code %sensitivity NAME --data D [--levels ...]}: accuracy vs sparsity per layer. */
    @LineMagic("sensitivity")
    public void sensitivity(List<String> args) {
        if (help(SENSITIVITY, args)) {
            return;
        }
        MagicArgs.Parsed a = SENSITIVITY.parse(args);
        SlimModel model = lookupModel(a.positional("NAME"));
        ImageData data = lookupData(a.required("data", "name the session data, e.g. --data fmnist"));
        double[] levels = call(() -> dev.slimkit.prune.Sensitivity.parseLevels(a.string("levels", "0.1,0.3,0.5,0.7,0.9")));
        dev.slimkit.prune.Sensitivity.Result r = call(() -> dev.slimkit.prune.Sensitivity.scan(
                model, data.test(), levels, a.string("exclude", null)));
        java.util.Map<String, double[][]> series = new java.util.LinkedHashMap<>();
        r.accuracy().forEach((layer, acc) -> series.put(layer, new double[][] {levels, acc}));
        sink.display(Charts.lines(model.name() + ": accuracy when one layer is pruned (baseline "
                + String.format(Locale.ROOT, "%.4f", r.baseline()) + ")", "sparsity of that layer", "test accuracy", series));
        sink.display(Tables.sensitivity(r.levels(), r.baseline(), r.accuracy(), model.name() + " sensitivity (test accuracy)"));
    }

    /** {@code %trim NAME --channels R ...}: groups, widths, before/after with measured speed-up. */
    @LineMagic("trim")
    public void trim(List<String> args) {
        if (help(TRIM, args)) {
            return;
        }
        MagicArgs.Parsed a = TRIM.parse(args);
        SlimModel model = lookupModel(a.positional("NAME"));
        ImageData data = a.has("data") ? lookupData(a.string("data", null)) : null;
        String as = checkName(a.has("as") ? a.string("as", null) : model.name() + "_trimmed");
        if (a.has("channels") && a.has("macs")) {
            throw new UsageError("%trim: pass --channels or --macs, not both");
        }
        dev.slimkit.trim.TrimStep step = call(() -> {
            var t = Slim.trim(model)
                    .criterion(a.choice("criterion", "l1", List.of("l1", "bn")).equals("bn")
                            ? dev.slimkit.trim.TrimStep.Criterion.BN : dev.slimkit.trim.TrimStep.Criterion.L1)
                    .roundTo(a.integer("round", 8, 1))
                    .blocks(a.integer("blocks", 0, 0))
                    .epochs(a.integer("epochs", 0, 0))
                    .data(data)
                    .exclude(a.string("exclude", null))
                    .config(trainingOptions(a, true))
                    .measureLatency(!a.flag("no-latency"))
                    .name(as);
            if (a.has("channels")) {
                t.channels(a.number("channels", 0.5, -1e9, 1e9, false));
            }
            if (a.has("macs")) {
                t.macs(a.number("macs", 0.5, -1e9, 1e9, false));
            }
            return t.validate();
        });
        sink.display(Tables.groups(step.groups(), model.name() + ": channel groups (cut together)"));
        ModelStats before = ModelStats.of(model);
        SlimModel trimmed;
        try {
            trimmed = call(step::cut); // cut first, so that the live chart can follow the new model
        } catch (IllegalStateException e) {
            throw new UsageError("%trim: " + e.getMessage());
        }
        StepResult result;
        if (a.integer("epochs", 0, 0) > 0) {
            LiveTraining live = new LiveTraining(sink, trimmed.history(), as + " fine-tuning", 1500);
            step.listener(live);
            result = runWithLive(live, step::run);
        } else {
            result = step.run();
        }
        session.putModel(as, trimmed);
        if (result.interrupted()) {
            throw new UsageError("%trim: " + String.join("; ", result.notes()) + "; model [" + as
                    + "] keeps its new widths and the steps trained so far");
        }
        sink.display(Charts.layerWidths(before, result.after(), model.name() + " → " + as + ": output width per layer"));
        sink.display(Tables.stepResult(result));
        sink.display(Tables.metrics(result.metrics(), "trimming figures"));
    }

    /** {@code %eval NAME --data D}: accuracy, per-class table, confusion heatmap. */
    @LineMagic("eval")
    public void eval(List<String> args) {
        if (help(EVAL, args)) {
            return;
        }
        MagicArgs.Parsed a = EVAL.parse(args);
        SlimModel model = lookupModel(a.positional("NAME"));
        ImageData data = lookupData(a.required("data", "name the session data, e.g. --data fmnist"));
        Evaluation evaluation = call(() -> Slim.evaluate(model, data));
        sink.display(Tables.evaluation(evaluation, data.classNames(), model.name() + " on " + data.name() + " (test)"));
        sink.display(Charts.confusion(evaluation, data.classNames(), model.name() + " confusion matrix (test)"));
    }

    /** {@code %summary NAME}: per-layer table and parameter chart. */
    @LineMagic("summary")
    public void summary(List<String> args) {
        if (help(SUMMARY, args)) {
            return;
        }
        MagicArgs.Parsed a = SUMMARY.parse(args);
        SlimModel model = lookupModel(a.positional("NAME"));
        ModelStats stats = ModelStats.of(model);
        sink.display(Tables.summary(stats, model.name() + " (" + model.spec().arch() + ")"));
        sink.display(Charts.layerParams(stats, model.name() + ": parameters per layer"));
    }

    /** {@code %compare A B ... [--data D]}: table and Pareto charts. */
    @LineMagic("compare")
    public void compare(List<String> args) {
        if (help(COMPARE, args)) {
            return;
        }
        MagicArgs.Parsed a = COMPARE.parse(args);
        List<SlimModel> models = new ArrayList<>();
        for (String name : a.positionals("NAME")) {
            if (models.stream().anyMatch(m -> m.name().equals(name))) {
                throw new UsageError("%compare: model [" + name + "] is listed twice; list each model once");
            }
            models.add(lookupModel(name));
        }
        ImageData data = a.has("data") ? lookupData(a.string("data", null)) : null;
        if (data != null) {
            for (SlimModel m : models) {
                call(() -> {
                    dev.slimkit.train.Evaluator.checkCompatible(m, data.test());
                    return null;
                });
            }
        }
        List<ComparisonRow> rows = new ArrayList<>();
        for (SlimModel m : models) {
            ModelStats s = ModelStats.of(m);
            double ms1 = Double.NaN;
            double ms32 = Double.NaN;
            if (!a.flag("no-latency")) {
                ms1 = Latency.measure(m, 1).medianMs();
                ms32 = Latency.measure(m, 32).medianMs();
            }
            double acc = data == null ? Double.NaN : Slim.evaluate(m, data).accuracy();
            rows.add(new ComparisonRow(m.name(), s.params(), s.nonzeroParams(), s.macs(), ms1, ms32, acc));
        }
        sink.display(Tables.comparison(rows, "comparison" + (data == null ? "" : " (accuracy on " + data.name() + " test)")
                + (a.flag("no-latency") ? "" : " — latency: median of 100 runs, " + Latency.threads() + " threads")));
        if (data != null) {
            sink.display(Charts.pareto(rows, "MACs", "accuracy vs MACs"));
            if (!a.flag("no-latency")) {
                sink.display(Charts.pareto(rows, "latency", "accuracy vs latency (batch 32)"));
            }
        }
    }

    /** {@code %save NAME PATH}. */
    @LineMagic("save")
    public void save(List<String> args) {
        if (help(SAVE, args)) {
            return;
        }
        MagicArgs.Parsed a = SAVE.parse(args);
        SlimModel model = lookupModel(a.positional("NAME"));
        Path path = Path.of(a.positional("PATH"));
        long bytes = io(() -> ModelIO.save(model, path, Map.of()));
        sink.display(Html.of(String.format(Locale.ROOT, "<div>saved <b>%s</b> to <code>%s</code> (%,d bytes)</div>",
                escape(model.name()), escape(path.toString()), bytes)));
    }

    /** {@code %load NAME PATH}. */
    @LineMagic("load")
    public void load(List<String> args) {
        if (help(LOAD, args)) {
            return;
        }
        MagicArgs.Parsed a = LOAD.parse(args);
        String name = checkName(a.positional("NAME"));
        Path path = Path.of(a.positional("PATH"));
        SlimModel model = io(() -> ModelIO.load(path, name));
        session.putModel(name, model);
        ModelStats stats = ModelStats.of(model);
        sink.display(Html.of(String.format(Locale.ROOT,
                "<div>loaded <b>%s</b> from <code>%s</code>: %s, %d classes, %,d params, %d epochs of history</div>",
                escape(name), escape(path.toString()), model.spec().arch(), model.spec().classes(), stats.params(),
                model.history().epochCount())));
    }

    /**
     * The training options a magic's schema offers (--batch, --lr, --optimizer, --schedule,
     * --weight-decay, --seed), over the defaults; options a schema lacks keep their defaults.
     * {@code %prune}'s --schedule is its pruning schedule, not a learning-rate one: it passes
     * {@code lrSchedule = false}.
     */
    private static TrainConfig trainingOptions(MagicArgs.Parsed a, boolean lrSchedule) {
        TrainConfig config = TrainConfig.defaults()
                .batchSize(a.integer("batch", 128, 1))
                .learningRate(a.number("lr", 1e-3, 0, 10, true))
                .optimizer(TrainConfig.Optimizer.valueOf(
                        a.choice("optimizer", "adam", List.of("adam", "sgd")).toUpperCase(Locale.ROOT)))
                .weightDecay(a.number("weight-decay", 0, 0, 1, false))
                .seed(a.integer("seed", 0, 0));
        if (!lrSchedule) {
            return config;
        }
        return config.schedule(call(() -> Schedule.named(a.choice("schedule", "constant",
                List.of("constant", "linear", "cosine", "polynomial", "one-cycle")))));
    }

    private boolean help(MagicArgs schema, List<String> args) {
        if (MagicArgs.wantsHelp(args)) {
            sink.display(Html.of("<pre>" + escape(schema.usage()) + "</pre>"));
            return true;
        }
        return false;
    }

    private SlimModel lookupModel(String name) {
        return call(() -> session.model(name));
    }

    private ImageData lookupData(String name) {
        return call(() -> session.data(name));
    }

    private static String checkName(String name) {
        return call(() -> Session.checkName(name));
    }

    /** Runs a call of the core API, turning its argument errors into one-line usage errors. */
    static <T> T call(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        } catch (UncheckedIOException e) {
            throw new UsageError(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
        }
    }

    private interface IoAction<T> {
        T run() throws IOException;
    }

    private static <T> T io(IoAction<T> action) {
        try {
            return action.run();
        } catch (IOException e) {
            throw new UsageError(e.getMessage());
        }
    }

    private static String names(java.util.Collection<String> names) {
        return names.isEmpty() ? "none" : escape(String.join(", ", names));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Usage texts by magic name (for documentation and tests). */
    static Map<String, String> usages() {
        Map<String, String> out = new LinkedHashMap<>();
        for (MagicArgs m : ALL) {
            out.put(m.magic(), m.usage());
        }
        return out;
    }
}
