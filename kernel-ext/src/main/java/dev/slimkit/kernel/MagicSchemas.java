package dev.slimkit.kernel;

import dev.slimkit.model.Architectures;
import dev.slimkit.train.TrainConfig;
import dev.slimkit.trim.TrimStep;
import java.util.List;

/** The argument schema of every slimkit magic; the training options are one shared fragment. */
final class MagicSchemas {

    private MagicSchemas() {}

    private static final TrainConfig D = TrainConfig.defaults();

    /** Fine-tuning options: epochs, batch, lr, optimizer, weight decay, seed. */
    static void fineTuning(MagicArgs m) {
        options(m, false);
    }

    /** Fine-tuning options plus the learning-rate schedule. */
    static void training(MagicArgs m) {
        options(m, true);
    }

    private static void options(MagicArgs m, boolean schedule) {
        m.option("epochs", "N", "passes over the training split (default: the step's)")
                .option("batch", "N", "batch size (default " + D.batchSize() + ")")
                .option("lr", "X|find", "base learning rate (default " + D.learningRate() + "), or find: a range test on"
                        + " the training split picks it (as %lr-find)")
                .option("optimizer", "OPT", "adam or sgd (default adam)");
        if (schedule) {
            m.option("schedule", "S", "learning-rate schedule: constant, linear, cosine, polynomial, one-cycle (default constant)");
        }
        m.option("weight-decay", "X", "L2 weight decay (default " + D.weightDecay() + ")")
                .option("seed", "S", "seed of the shuffling (default " + D.seed() + ")");
    }

    static final MagicArgs DATA = MagicArgs.of("data", "Load a data set into the session under NAME.")
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
    static final MagicArgs MODEL = MagicArgs.of("model",
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
    static final MagicArgs TRAIN = MagicArgs.of("train", "Train model NAME on data D, with a live chart and progress bar.")
            .positional("NAME", "session model to train (in place)")
            .option("data", "D", "session data to train on")
            .include(MagicSchemas::training)
            .option("bn-l1", "LAMBDA", "Network Slimming sparse training: add LAMBDA·Σ|gamma| over batch norms to the loss, e.g. 1e-4")
            .option("as", "NEW", "train a copy under this name, leaving NAME unchanged");
    static final MagicArgs TRANSFER = MagicArgs.of("transfer",
            "Fine-tune trained model NAME on new data: new head for the data's classes, backbone frozen (weights,"
                    + " optimizer steps and batch-norm statistics), optionally unfrozen later at a lower learning rate.")
            .positional("NAME", "trained session model (the base)")
            .option("data", "D", "session data of the target task")
            .option("classes", "N", "expected class count of the target (checked against the data)")
            .option("freeze", "MODE", "backbone (all but the head, default), none, or K (the first K layers)")
            .option("unfreeze-after", "K", "unfreeze everything after K epochs")
            .option("backbone-lr-mult", "F", "learning-rate factor of the backbone once unfrozen (default 0.1)")
            .option("head-lr-mult", "F", "learning-rate factor of the head while layers are frozen (default 10)")
            .flag("keep-head", "keep the base's head (same class count) instead of a fresh one")
            .flag("cache-features", "run the frozen layers once and train the head on their outputs (frozen epochs only)")
            .include(MagicSchemas::training)
            .option("as", "NEW", "tune a copy under this name, leaving NAME unchanged");
    static final MagicArgs LR_FIND = MagicArgs.of("lr-find",
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
            .option("unlabelled", "D2", "also distil on D2's images with soft targets only: its unlabelled pool"
                    + " (%data --labels), else its training images, labels ignored; --control then gets as many steps")
            .include(MagicSchemas::training)
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
            .option("data", "D", "session data for fine-tuning and accuracy")
            .option("exclude", "PATTERNS", "layers to leave dense: comma-separated globs, or first, last")
            .include(MagicSchemas::fineTuning)
            .flag("no-latency", "skip the latency measurement")
            .option("as", "NEW", "prune a copy under this session name, leaving NAME unchanged");
    static final MagicArgs SENSITIVITY = MagicArgs.of("sensitivity",
            "Prune one layer at a time at each level and chart accuracy against sparsity per layer.")
            .positional("NAME", "session model (left unchanged)")
            .option("data", "D", "session data (its validation split is used; one is carved from training, with a note,"
                    + " when it has none)")
            .option("levels", "LIST", "sparsity levels (default 0.1,0.3,0.5,0.7,0.9)")
            .option("exclude", "PATTERNS", "layers to skip: comma-separated globs, or first, last");
    static final MagicArgs TRIM = MagicArgs.of("trim",
            "Remove whole channels and/or residual blocks of NAME: a genuinely smaller, faster dense model. Channels tied"
                    + " by residual additions are cut together with the same indices. Every channel cut is checked against"
                    + " its input with those channels zeroed (to 1e-4).")
            .positional("NAME", "session model (left unchanged; the result is a new model)")
            .option("channels", "R", "fraction of each group's channels to remove (of all channels with --global), in (0, 1)")
            .option("macs", "R", "instead: remove channels until MACs are at most this fraction, in (0, 1)")
            .option("params", "R", "instead: remove channels until parameters are at most this fraction, in (0, 1)")
            .option("latency", "R", "instead: until latency measured at --latency-batch is at most this fraction, in (0, 1)")
            .option("latency-batch", "B", "batch size of --latency (default " + TrimStep.DEFAULT_LATENCY_BATCH + ")")
            .option("criterion", "C", "channel importance: l1 (filter norm, Li et al.), l2-group (norm over the whole group),"
                    + " taylor (|w·grad|, Molchanov et al.) or bn (|gamma|, Network Slimming); default l1")
            .option("calibration", "K", "training batches of the taylor criterion (default " + TrimStep.DEFAULT_CALIBRATION + ")")
            .flag("global", "rank channels across all groups (normalized per group) instead of within each")
            .option("max-per-layer", "F", "with --global: largest fraction of one layer to remove (default "
                    + TrimStep.DEFAULT_MAX_PER_LAYER + ")")
            .option("round", "N", "keep channel counts multiples of N (default " + TrimStep.DEFAULT_ROUND + ")")
            .option("steps", "K", "reach the target in K cuts, fine-tuning between them (default 1)")
            .option("epochs-per-step", "E", "with --steps: epochs of fine-tuning between two cuts (default 1)")
            .option("blocks", "K", "also remove the K least important identity residual blocks")
            .option("data", "D", "session data for fine-tuning and accuracy")
            .option("exclude", "PATTERNS", "layers to leave whole: comma-separated globs on layer paths")
            .include(MagicSchemas::fineTuning)
            .flag("no-latency", "skip the latency measurement")
            .option("as", "NEW", "session name of the trimmed model (default NAME-trimmed)");
    static final MagicArgs EVAL = MagicArgs.of("eval", "Evaluate model NAME on the test split of data D.")
            .positional("NAME", "session model")
            .option("data", "D", "session data (its test split is used)")
            .option("worst", "N", "show the N test images with the highest loss (default " + dev.slimkit.Slim.WORST_IMAGES
                    + "; 0 for none)");
    static final MagicArgs SUMMARY = MagicArgs.of("summary", "Per-layer table and parameter chart of model NAME.")
            .positional("NAME", "session model");
    static final MagicArgs COMPARE = MagicArgs.of("compare", "Compare models: size, MACs, measured latency, accuracy, Pareto charts.")
            .positionals("NAME", "session models to compare")
            .option("data", "D", "session data for accuracy (omit to skip accuracy)")
            .option("runtime", "djl,onnx", "runtimes to time each model in: djl (default), onnx (ONNX Runtime on the"
                    + " model's checked ONNX export), or both, shown side by side")
            .flag("no-latency", "skip the latency measurement");
    static final MagicArgs SAVE = MagicArgs.of("save", "Save model NAME to PATH as one self-describing file.")
            .positional("NAME", "session model")
            .positional("PATH", "file to write (e.g. models/student.slim)");
    static final MagicArgs EXPORT = MagicArgs.of("export", "Write model NAME as ONNX, checked in ONNX Runtime first.")
            .positional("NAME", "session model")
            .positional("FILE", "ONNX file to write (e.g. models/slim.onnx)")
            .option("data", "D", "check on the first 32 test images of session data D (default: seeded random images)");
    static final MagicArgs LOAD = MagicArgs.of("load", "Load a model file into the session under NAME.")
            .positional("NAME", "session name for the loaded model")
            .positional("PATH", "file written by %save or Slim.save")
            .flag("replace", "replace a session model of the same NAME (else refused)");
    static final MagicArgs DROP = MagicArgs.of("drop", "Remove model NAME from the session and free its memory.")
            .positional("NAME", "session model");
    static final MagicArgs PIPELINE = MagicArgs.of("%pipeline",
            "Run BASE through the stages in the cell's body, one a line as that step's options without NAME and --data"
                    + " (train, transfer, distill, prune, trim; # comments), judging every model on complexity, accuracy,"
                    + " efficiency and scalability.")
            .positional("BASE", "session model to start from (left unchanged)")
            .option("data", "D", "session data every stage trains on and every model is judged on")
            .option("dir", "DIR", "save each stage's model and recipe as DIR/NN-STAGE.slim and .json")
            .flag("resume", "reuse stages whose saved recipe and input match; rerun from the first change")
            .option("as", "PREFIX", "name stage models PREFIX-STAGE and the final one PREFIX (default BASE-slim)")
            .flag("control", "also train the final architecture from scratch for the same total epochs")
            .flag("no-latency", "skip latency, throughput and thread measurements");
    static final MagicArgs SWEEP = MagicArgs.of("%sweep",
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
    static final MagicArgs OVERVIEW = MagicArgs.of("slimkit", "Show slimkit's version, engine, device, session objects and commands.");

    /** Every magic's schema, in the order %slimkit lists them. */
    static final List<MagicArgs> ALL = List.of(OVERVIEW, DATA, MODEL, TRAIN, LR_FIND, TRANSFER, DISTILL, PRUNE, SENSITIVITY, TRIM,
            EVAL, SUMMARY, COMPARE, SAVE, EXPORT, LOAD, DROP, PIPELINE, SWEEP);
}
