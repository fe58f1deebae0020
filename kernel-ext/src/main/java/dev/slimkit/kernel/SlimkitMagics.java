package dev.slimkit.kernel;

import dev.slimkit.report.Html;
import dev.slimkit.view.Views;
import static dev.slimkit.recipe.Commands.*;

import dev.slimkit.FromCommand;
import dev.slimkit.Session;
import dev.slimkit.Slim;
import dev.slimkit.data.ImageData;
import dev.slimkit.distill.DistillStep;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.prune.PruneStep;
import dev.slimkit.prune.Sensitivity;
import dev.slimkit.report.Tables;
import dev.slimkit.transfer.TransferStep;
import dev.slimkit.step.TrainStep;
import dev.slimkit.trim.TrimStep;
import dev.slimkit.pipeline.Pipeline;
import dev.slimkit.recipe.DistillSettings;
import dev.slimkit.recipe.Grammar;
import dev.slimkit.recipe.PruneSettings;
import dev.slimkit.recipe.TrainSettings;
import dev.slimkit.recipe.TransferSettings;
import dev.slimkit.recipe.TrimSettings;
import io.github.spencerpark.jupyter.kernel.magic.registry.CellMagic;
import io.github.spencerpark.jupyter.kernel.magic.registry.LineMagic;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * slimkit's line magics. Each one only parses its arguments against its schema ({@link
 * dev.slimkit.recipe.Commands}), calls the same {@link Slim} / step API a Java cell would, and shows the result
 * ({@link Views}); steps run through one {@link StepRunner}. Options a user leaves out are
 * not passed, so each default lives in its step. Bad input raises a one-line {@link UsageError};
 * session objects change only when a step succeeds (or is interrupted, keeping what it made).
 */
public final class SlimkitMagics {

    private final Session session;
    private final DisplaySink sink;
    private final UsageErrors errors;
    private final StepRunner runner;

    /** Magics working on {@code session} and showing output through {@code sink}. */
    public SlimkitMagics(Session session, DisplaySink sink) {
        this(session, sink, new RunTracker(), new UsageErrors());
    }

    /** Magics that report their runs to {@code runs} and their errors to {@code errors} (the kernel reads both). */
    public SlimkitMagics(Session session, DisplaySink sink, RunTracker runs, UsageErrors errors) {
        this.session = session;
        this.sink = sink;
        this.errors = errors;
        this.runner = new StepRunner(session, sink, runs, errors);
    }

    @LineMagic("slimkit")
    public void slimkit(List<String> args) {
        if (parse(OVERVIEW, args) != null) {
            sink.display(session.overview());
        }
    }

    @LineMagic("data")
    public void data(List<String> args) {
        Grammar.Parsed a = parse(DATA, args);
        if (a == null) {
            return;
        }
        String name = errors.call("%data", () -> Session.checkName(a.positional("NAME")));
        ImageData data = errors.call("%data", () -> FromCommand.data(a));
        session.putData(name, data);
        sink.display(Views.line("<b>" + Html.escape(name) + "</b>: " + Html.escape(data.toString()) + "<br>classes: "
                + Html.escape(String.join(", ", data.classNames()))));
    }

    @LineMagic("model")
    public void model(List<String> args) {
        Grammar.Parsed a = parse(MODEL, args);
        if (a == null) {
            return;
        }
        String name = errors.call("%model", () -> Session.checkName(a.positional("NAME")));
        SlimModel model = errors.call("%model", () -> FromCommand.model(a, name, data(a, false)));
        sink.display(Views.model(session.putModel(name, model)));
    }

    @LineMagic("train")
    public void train(List<String> args) {
        Grammar.Parsed a = parse(TRAIN, args);
        if (a != null) {
            TrainStep step = errors.call("%train", () -> TrainSettings.KIND.fromCommand(a, session));
            double[] gammas = step.bnL1() > 0 ? TrainStep.gammas(model(a, "NAME")) : null;
            show(Views.train(runner.run("%train", step), gammas, step.model()));
        }
    }

    @LineMagic("lr-find")
    public void lrFind(List<String> args) {
        Grammar.Parsed a = parse(LR_FIND, args);
        if (a != null) {
            SlimModel model = model(a, "NAME");
            var finder = errors.call("%lr-find", () -> FromCommand.lrFinder(a, Slim.lrFind(model, data(a, true))));
            show(Views.lrFind(runner.task("%lr-find", "lr-find", finder::run), model.name()));
        }
    }

    @LineMagic("transfer")
    public void transfer(List<String> args) {
        Grammar.Parsed a = parse(TRANSFER, args);
        if (a != null) {
            TransferStep step = errors.call("%transfer", () -> TransferSettings.KIND.fromCommand(a, session).validate());
            sink.display(Tables.summary(step.freezeNow(), step.resultName() + ": trainable and frozen layers"));
            show(Views.transfer(runner.run("%transfer", step)));
        }
    }

    @LineMagic("distill")
    public void distill(List<String> args) {
        Grammar.Parsed a = parse(DISTILL, args);
        if (a != null) {
            DistillStep step = errors.call("%distill", () -> DistillSettings.KIND.fromCommand(a, session));
            show(Views.distill(runner.run("%distill", step), a.positional("TEACHER")));
        }
    }

    @LineMagic("prune")
    public void prune(List<String> args) {
        Grammar.Parsed a = parse(PRUNE, args);
        if (a != null) {
            PruneStep step = errors.call("%prune", () -> PruneSettings.KIND.fromCommand(a, session));
            show(Views.prune(runner.run("%prune", step)));
        }
    }

    @LineMagic("sensitivity")
    public void sensitivity(List<String> args) {
        Grammar.Parsed a = parse(SENSITIVITY, args);
        if (a == null) {
            return;
        }
        SlimModel model = model(a, "NAME");
        ImageData data = data(a, true);
        Sensitivity.Result r = runner.task("%sensitivity", "sensitivity", () -> Sensitivity.scan(model, data,
                Sensitivity.parseLevels(a.string("levels", Sensitivity.DEFAULT_LEVELS)), a.string("exclude", null)));
        show(Views.sensitivity(r, model.name()));
    }

    @LineMagic("trim")
    public void trim(List<String> args) {
        Grammar.Parsed a = parse(TRIM, args);
        if (a != null) {
            TrimStep step = errors.call("%trim", () -> TrimSettings.KIND.fromCommand(a, session).validate());
            sink.display(Views.groups(step.groups(), a.positional("NAME") + ": channel groups (cut together)"));
            show(Views.trim(runner.run("%trim", step), a.positional("NAME")));
        }
    }

    @LineMagic("quantize")
    public void quantize(List<String> args) {
        Grammar.Parsed a = parse(QUANTIZE, args);
        if (a == null) {
            return;
        }
        SlimModel model = model(a, "NAME");
        var quantizer = errors.call("%quantize", () -> FromCommand.quantizer(a, model, data(a, true)));
        var result = runner.task("%quantize", "quantization", quantizer::run);
        errors.call("%quantize", () -> session.putQuantized(result.model().name(), result.model()));
        session.putResult(result);
        show(Views.quantize(result));
        if (a.has("save")) {
            Path path = Path.of(a.string("save", ""));
            long bytes = errors.call("%quantize", () -> result.model().save(path));
            sink.display(Views.line(String.format(Locale.ROOT, "saved <b>%s</b> to <code>%s</code> (%,d bytes)",
                    Html.escape(result.model().name()), Html.escape(path.toString()), bytes)));
        }
    }

    @LineMagic("eval")
    public void eval(List<String> args) {
        Grammar.Parsed a = parse(EVAL, args);
        if (a != null && session.allQuantized().containsKey(a.positional("NAME"))) {
            evalInt8(a, session.allQuantized().get(a.positional("NAME")));
        } else if (a != null) {
            SlimModel model = model(a, "NAME");
            ImageData data = data(a, true);
            int n = a.integer("worst", Slim.WORST_IMAGES, 0);
            var evaluation = runner.task("%eval", "evaluation", () -> Slim.evaluate(model, data));
            show(Views.evaluation(evaluation, data.classNames(), model.name(), a.string("data", "")));
            show(Views.worst(data.test(), runner.task("%eval", "evaluation", () -> Slim.worst(model, data, n)),
                    data.classNames(), model.name()));
        }
    }

    /** %eval on an int8 model: the same tables and charts, computed in ONNX Runtime. */
    private void evalInt8(Grammar.Parsed a, dev.slimkit.quant.QuantizedModel q) {
        ImageData data = data(a, true);
        int n = a.integer("worst", Slim.WORST_IMAGES, 0);
        var scored = runner.task("%eval", "evaluation", () -> q.score(data.test(), n, 0));
        String name = q.name() + " (int8, ONNX Runtime)";
        show(Views.evaluation(scored.evaluation(), data.classNames(), name, a.string("data", "")));
        show(Views.worst(data.test(), scored.worst(), data.classNames(), name));
    }

    @LineMagic("summary")
    public void summary(List<String> args) {
        Grammar.Parsed a = parse(SUMMARY, args);
        if (a != null) {
            SlimModel model = model(a, "NAME");
            show(Views.summary(ModelStats.of(model), model.name(), model.spec().arch()));
        }
    }

    @LineMagic("compare")
    public void compare(List<String> args) {
        Grammar.Parsed a = parse(COMPARE, args);
        if (a != null) {
            List<SlimModel> models = a.positionals("NAME").stream().map(n -> lookup("%compare", n)).toList();
            ImageData data = data(a, false);
            List<String> runtimes = errors.call("%compare", () -> dev.slimkit.measure.Comparison.parseRuntimes(
                    a.string("runtime", "djl")));
            var compare = Slim.compare(models.toArray(SlimModel[]::new)).data(data).measureLatency(!a.flag("no-latency"))
                    .runtimes(runtimes).against(a.string("against", null));
            var comparison = runner.task("%compare", "comparison", compare::run);
            show(Views.comparison(comparison));
            if (a.has("against")) {
                sink.display(Tables.gains(compare.gains(comparison), "gain against " + a.string("against", "")
                        + " (× = times fewer MACs, smaller file, faster; file as %save writes it)"));
            }
        }
    }

    @LineMagic("save")
    public void save(List<String> args) {
        Grammar.Parsed a = parse(SAVE, args);
        if (a != null) {
            SlimModel model = model(a, "NAME");
            Path path = Path.of(a.positional("PATH"));
            long bytes = errors.call("%save", () -> Slim.save(model, path));
            sink.display(Views.line(String.format(Locale.ROOT, "saved <b>%s</b> to <code>%s</code> (%,d bytes)",
                    Html.escape(model.name()), Html.escape(path.toString()), bytes)));
        }
    }

    @LineMagic("export")
    public void export(List<String> args) {
        Grammar.Parsed a = parse(EXPORT, args);
        if (a != null) {
            SlimModel model = model(a, "NAME");
            ImageData data = data(a, false);
            Path path = Path.of(a.positional("FILE"));
            var result = runner.task("%export", "export", () -> data == null ? Slim.export(model, path)
                    : Slim.export(model, path, data));
            sink.display(Views.line(Html.escape(model.name() + ": " + result)));
        }
    }

    @LineMagic("load")
    public void load(List<String> args) {
        Grammar.Parsed a = parse(LOAD, args);
        if (a != null) {
            String name = errors.call("%load", () -> Session.checkName(a.positional("NAME")));
            if (session.hasModel(name) && !a.flag("replace")) {
                throw errors.remember(new UsageError("%load: model [" + name + "] exists; pass --replace to replace it"
                        + " (its memory is freed) or load it under another NAME"));
            }
            Path path = Path.of(a.positional("PATH"));
            SlimModel model = session.putModel(name, errors.call("%load", () -> Slim.load(path)));
            sink.display(Views.loaded(model, path));
        }
    }

    @LineMagic("drop")
    public void drop(List<String> args) {
        Grammar.Parsed a = parse(DROP, args);
        if (a != null) {
            errors.run("%drop", () -> session.dropModel(a.positional("NAME")));
            sink.display(Views.line("dropped <b>" + Html.escape(a.positional("NAME")) + "</b>; its memory is freed"));
        }
    }

    @CellMagic("pipeline")
    public void pipeline(List<String> args, String body) {
        Grammar.Parsed a = parse(PIPELINE, args);
        if (a != null) {
            Pipeline pipeline = errors.call("%%pipeline", () -> PipelineCell.configure(a, body,
                    Slim.pipeline(model(a, "BASE")).data(data(a, true)), session));
            show(Views.pipeline(runner.pipeline("%%pipeline", pipeline)));
        }
    }

    @CellMagic("sweep")
    public void sweep(List<String> args, String body) {
        Grammar.Parsed a = parse(SWEEP, args);
        if (a != null) {
            var sweep = errors.call("%%sweep", () -> SweepCell.configure(a, body,
                    Slim.sweep(model(a, "BASE")).data(data(a, true)), session));
            runner.sweep("%%sweep", sweep, errors.call("%%sweep", () -> sweep.trials().size()));
        }
    }

    private void show(List<Object> views) {
        views.forEach(sink::display);
    }

    /** Parses {@code args}, or shows the usage and returns null for {@code --help}. */
    private Grammar.Parsed parse(Grammar schema, List<String> args) {
        if (Grammar.wantsHelp(args)) {
            sink.display(Html.of("<pre>" + Html.escape(schema.usage()) + "</pre>"));
            return null;
        }
        return errors.call("%" + schema.magic(), () -> schema.parse(args));
    }

    private SlimModel model(Grammar.Parsed a, String positional) {
        return lookup(a.magic(), a.positional(positional));
    }

    private SlimModel lookup(String magic, String name) {
        return errors.call(magic, () -> session.model(name));
    }

    private ImageData data(Grammar.Parsed a, boolean required) {
        if (!required && !a.has("data")) {
            return null;
        }
        String name = a.required("data", "name the session data, e.g. --data fmnist");
        return errors.call(a.magic(), () -> session.data(name));
    }
}
