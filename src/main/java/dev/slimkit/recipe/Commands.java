package dev.slimkit.recipe;

import dev.slimkit.model.Architectures;
import dev.slimkit.train.TrainConfig;
import java.util.List;

/**
 * The grammar of every slimkit command (a magic, or the same words in a Java call's parser): the
 * steps' come from their declarations in the registry ({@link Steps}); the others (data, models,
 * evaluation, files, pipelines, sweeps) are declared here.
 */
public final class Commands {

    private Commands() {}

    private static final TrainConfig D = TrainConfig.defaults();

    public static final Grammar DATA = Grammar.of("data", "Load a data set into the session under NAME.")
            .positional("NAME", "session name of the data set")
            .option("source", "SOURCE", "fashion-mnist (Debian package), synthetic, idx:DIR, or folder:DIR (one sub-folder"
                    + " of PNG/JPEG/BMP/GIF images per class) (default fashion-mnist)")
            .option("size", "HxW", "folder: resize every image to HxW (needed when sizes differ)")
            .option("channels", "1|3", "folder: grey or colour (default: 1 when every image is grey, else 3)")
            .option("test-dir", "DIR2", "folder: take the test split from DIR2 (same class sub-folders)")
            .option("test", "FRACTION", "folder: move this seeded fraction of each class to the test split (default "
                    + dev.slimkit.data.ImageFolder.DEFAULT_TEST_FRACTION + ")")
            .option("augment", "flip,crop", "randomly flip and/or pad-crop each training batch (training only)")
            .option("limit", "N", "keep the first N training images")
            .option("test-limit", "N", "keep the first N test images")
            .option("classes", "LIST", "keep these classes and relabel them 0..k-1, e.g. 5-9 or 0,2,5")
            .option("labels", "N", "keep N training images labelled (seeded, class-balanced); the rest become an"
                    + " unlabelled pool for %distill --unlabelled")
            .option("val", "FRACTION", "move this fraction of training images to a validation split, e.g. 0.1"
                    + " (after --labels: of the labelled ones)")
            .option("seed", "S", "seed of the labelled draw, the validation split and a folder's test split (default 0)");
    public static final Grammar MODEL = Grammar.of("model",
            "Build a fresh model into the session under NAME, or load a PyTorch base from a TorchScript file.")
            .positional("NAME", "session name of the model")
            .option("arch", "ARCH", "architecture: " + String.join(", ", Architectures.NAMES))
            .option("from", "FILE", "instead of --arch: an ONNX file (FILE.onnx, e.g. from torch.onnx.export), read into"
                    + " slimkit layers with its weights (trainable, prunable, trimmable); or a TorchScript file (FILE.pt,"
                    + " torch.jit.script(m).save(...)), one opaque layer: with --classes N a backbone under a new head of N"
                    + " classes, without, the whole classifier")
            .option("input", "CxHxW", "image shape a --from model takes (default: the --data set's, else 1x28x28)")
            .option("classes", "N", "number of classes (default: the --data set's, else 10)")
            .option("data", "D", "take classes and image shape from session data D")
            .option("width", "X", "width multiplier (default 1)")
            .option("seed", "S", "seed of the initial weights (default 0)");
    public static final Grammar TRAIN = TrainSettings.KIND.grammar();
    public static final Grammar TRANSFER = TransferSettings.KIND.grammar();
    public static final Grammar LR_FIND = Grammar.of("lr-find",
            "Learning-rate range test (Smith; fastai's lr_find): train NAME for a few steps on D's training split at a"
                    + " rate growing from --start to --end, chart loss against rate and suggest one; NAME's weights,"
                    + " batch-norm statistics and history are restored exactly afterwards.")
            .positional("NAME", "session model (left unchanged)")
            .option("data", "D", "session data (its training split is used)")
            .option("start", "X", "first learning rate (default " + dev.slimkit.train.LrFinder.DEFAULT_START + ")")
            .option("end", "X", "last learning rate (default " + dev.slimkit.train.LrFinder.DEFAULT_END + ")")
            .option("steps", "N", "training steps (default " + dev.slimkit.train.LrFinder.DEFAULT_STEPS + ", at least "
                    + dev.slimkit.train.LrFinder.MIN_STEPS + ")")
            .option("batch", "N", "batch size (default " + D.batchSize() + ")")
            .option("optimizer", "OPT", "adam or sgd (default adam)")
            .option("weight-decay", "X", "L2 weight decay (default " + D.weightDecay() + ")")
            .option("seed", "S", "seed of the shuffling (default " + D.seed() + ")");
    public static final Grammar DISTILL = DistillSettings.KIND.grammar();
    public static final Grammar PRUNE = PruneSettings.KIND.grammar();
    public static final Grammar SENSITIVITY = Grammar.of("sensitivity",
            "Prune one layer at a time at each level and chart accuracy against sparsity per layer.")
            .positional("NAME", "session model (left unchanged)")
            .option("data", "D", "session data (its validation split is used; one is carved from training, with a note,"
                    + " when it has none)")
            .option("levels", "LIST", "sparsity levels (default 0.1,0.3,0.5,0.7,0.9)")
            .option("exclude", "PATTERNS", "layers to skip: comma-separated globs, or first, last");
    public static final Grammar TRIM = TrimSettings.KIND.grammar();
    public static final Grammar QUANTIZE = Grammar.of("quantize", "Quantize model NAME to int8 (post-training, static):"
            + " batch norms folded into the convolutions, activations calibrated on training images, QDQ ONNX run in ONNX"
            + " Runtime; shows float against int8: accuracy, file size, latency, and the error per layer.")
            .positional("NAME", "session model (left unchanged)")
            .option("data", "D", "session data: calibration reads its training split, accuracy its validation and test"
                    + " splits")
            .option("calibration", "N", "training images the activation ranges are read on (default "
                    + dev.slimkit.quant.Quantizer.DEFAULT_CALIBRATION + ")")
            .option("method", "M", "how each activation range is chosen: minmax (default) or percentile (clips the"
                    + " 0.01 % tails)")
            .flag("per-tensor", "one weight scale per tensor instead of one per output channel")
            .option("exclude", "PATTERNS", "layers kept in float: comma-separated globs on layer paths")
            .option("max-drop", "P", "lose at most P points of validation accuracy: layers go back to float one at a"
                    + " time, the noisiest first, until the int8 model is within P of the float one")
            .option("as", "NEW", "name of the int8 model (default NAME-int8)")
            .option("save", "FILE", "also write the int8 model as an ONNX file")
            .flag("no-latency", "skip the latency measurement");
    public static final Grammar EVAL = Grammar.of("eval", "Evaluate model NAME on the test split of data D.")
            .positional("NAME", "session model")
            .option("data", "D", "session data (its test split is used)")
            .option("worst", "N", "show the N test images with the highest loss (default " + dev.slimkit.train.TopLoss.DEFAULT_COUNT
                    + "; 0 for none)");
    public static final Grammar SUMMARY = Grammar.of("summary", "Per-layer table and parameter chart of model NAME.")
            .positional("NAME", "session model");
    public static final Grammar COMPARE = Grammar.of("compare", "Compare models: size, MACs, measured latency, accuracy, Pareto charts.")
            .positionals("NAME", "session models to compare")
            .option("data", "D", "session data for accuracy (omit to skip accuracy)")
            .option("against", "NAME", "also sum up every other model's gain against model NAME (one of those"
                    + " compared): Δ accuracy in points, MACs, file and latency as × fewer/smaller/faster")
            .option("runtime", "djl,onnx", "runtimes to time each model in: djl (default), onnx (ONNX Runtime on the"
                    + " model's checked ONNX export), or both, shown side by side")
            .flag("no-latency", "skip the latency measurement");
    public static final Grammar SAVE = Grammar.of("save", "Save model NAME to PATH as one self-describing file.")
            .positional("NAME", "session model")
            .positional("PATH", "file to write (e.g. models/student.slim)");
    public static final Grammar EXPORT = Grammar.of("export", "Write model NAME as ONNX, checked in ONNX Runtime first.")
            .positional("NAME", "session model")
            .positional("FILE", "ONNX file to write (e.g. models/slim.onnx)")
            .option("data", "D", "check on the first 32 test images of session data D (default: seeded random images)");
    public static final Grammar LOAD = Grammar.of("load", "Load a model file into the session under NAME.")
            .positional("NAME", "session name for the loaded model")
            .positional("PATH", "file written by %save or Slim.save")
            .flag("replace", "replace a session model of the same NAME (else refused)");
    public static final Grammar DROP = Grammar.of("drop", "Remove model NAME from the session and free its memory.")
            .positional("NAME", "session model");
    public static final Grammar PIPELINE = Grammar.of("%pipeline",
            "Run BASE through the stages in the cell's body, one a line as that step's options without NAME and --data"
                    + " (" + Steps.names() + "; # comments), judging every model on complexity, accuracy,"
                    + " efficiency and scalability.")
            .positional("BASE", "session model to start from (left unchanged)")
            .option("data", "D", "session data every stage trains on and every model is judged on")
            .option("dir", "DIR", "save each stage's model and recipe as DIR/NN-STAGE.slim and .json")
            .flag("resume", "reuse stages whose saved recipe and input match; rerun from the first change")
            .option("as", "PREFIX", "name stage models PREFIX-STAGE and the final one PREFIX (default BASE-slim)")
            .flag("control", "also train the final architecture from scratch for the same total epochs")
            .flag("no-latency", "skip latency, throughput and thread measurements");
    public static final Grammar SWEEP = Grammar.of("%sweep",
            "Run a search over pipeline recipes: the body is %%pipeline stage lines in which any value may be a set"
                    + " {a,b,c}; every combination (the Cartesian product) is a trial, a pipeline run on BASE. Results table"
                    + " and Pareto chart update as trials finish; a failing trial is a row with its error.")
            .positional("BASE", "session model every trial starts from (left unchanged)")
            .option("data", "D", "session data every trial trains on and is judged on (other JVMs reopen it from its source)")
            .option("on", "WHERE", "local (default: this kernel, or --workers local JVMs) or spark://HOST:PORT (one Spark"
                    + " task per trial on a standalone cluster; install/spark-local.sh start 2 makes one here)")
            .option("workers", "N", "with --on local: run trials in N local worker JVMs (default 0: in this kernel)")
            .option("dir", "DIR", "save each trial's final model as DIR/trial-NN.slim and all rows as DIR/sweep.json")
            .option("metric", "M", "the validation figure that picks the best trial: accuracy (default)")
            .option("max-trials", "N", "run at most the first N trials")
            .option("sample", "N", "run N trials drawn at random from the product (with --seed)")
            .option("seed", "S", "seed of --sample (default 0)")
            .flag("no-latency", "skip latency, throughput and thread measurements of each trial's model");
    public static final Grammar OVERVIEW = Grammar.of("slimkit", "Show slimkit's version, engine, device, session objects and commands.");

    /** Every magic's schema, in the order %slimkit lists them. */
    public static final List<Grammar> ALL = List.of(OVERVIEW, DATA, MODEL, TRAIN, LR_FIND, TRANSFER, DISTILL, PRUNE, SENSITIVITY, TRIM,
            QUANTIZE, EVAL, SUMMARY, COMPARE, SAVE, EXPORT, LOAD, DROP, PIPELINE, SWEEP);
}
