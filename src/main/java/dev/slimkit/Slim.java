package dev.slimkit;

import dev.slimkit.step.TrainStep;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.io.ModelIO;
import dev.slimkit.measure.Latency;
import dev.slimkit.model.Architectures;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.Evaluation;
import dev.slimkit.train.Evaluator;
import dev.slimkit.step.TrainStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The one-line entry points of slimkit, for Java cells and programs. Each only composes the
 * packages below it ({@code data}, {@code model}, {@code train}, {@code measure}, {@code io}):
 *
 * <pre>{@code
 * var data = Slim.data("fashion-mnist");
 * var model = Slim.model("cnn-small").build();
 * var result = Slim.train(model, data).epochs(2).run();
 * double acc = Slim.evaluate(model, data).accuracy();
 * }</pre>
 */
public final class Slim {

    /** slimkit's version. */
    public static final String VERSION = dev.slimkit.io.Provenance.SLIMKIT_VERSION;

    private static final Session SESSION = new Session();

    private Slim() {}

    /** The notebook session: data sets and models by the names the magics gave them. */
    public static Session session() {
        return SESSION;
    }

    /** Opens {@code fashion-mnist}, {@code synthetic} or {@code idx:DIR} (see {@link Datasets#fromSource}). */
    public static ImageData data(String source) {
        return Datasets.fromSource(source);
    }

    /**
     * A fresh model of a built-in architecture ({@link Architectures#NAMES}), configured by name:
     * {@code Slim.model("cnn-small").data(fmnist).width(0.5).build()}.
     */
    public static ModelBuilder model(String arch) {
        return new ModelBuilder(arch);
    }

    /**
     * A model from a TorchScript file made in PyTorch ({@code torch.jit.script(m).save(path)}) for
     * 1×28×28 images: the whole classifier when {@code classes} is 0, else the file is a backbone
     * under a new linear head of {@code classes} outputs. It trains, prunes and saves like any
     * model; it cannot be trimmed.
     */
    public static SlimModel fromTorchScript(Path file, int classes) {
        String base = file.getFileName().toString().replaceFirst("\\.pt$", "");
        return SlimModel.fromTorchScript(base, file, new int[] {1, 28, 28}, classes, 0);
    }

    /** Starts a training step of {@code model} on {@code data}; call {@code run()} on it. */
    public static TrainStep train(SlimModel model, ImageData data) {
        return new TrainStep(model).data(data);
    }

    /**
     * Starts a knowledge-distillation step from {@code teacher}: set a student, data, temperature
     * and alpha, then {@code run()}.
     */
    public static dev.slimkit.distill.DistillStep distill(SlimModel teacher) {
        return new dev.slimkit.distill.DistillStep(teacher);
    }

    /**
     * Starts a pruning step on {@code model}: set sparsity, scope, criterion, schedule and
     * fine-tuning, then {@code run()}.
     */
    public static dev.slimkit.prune.PruneStep prune(SlimModel model) {
        return new dev.slimkit.prune.PruneStep(model);
    }

    /**
     * Starts a trimming step on {@code model} (left unchanged): set the channel ratio (or MACs
     * target), rounding, blocks to drop and fine-tuning, then {@code run()}.
     */
    public static dev.slimkit.trim.TrimStep trim(SlimModel model) {
        return new dev.slimkit.trim.TrimStep(model);
    }

    /**
     * Starts a transfer-learning step from a trained {@code base}: set the target data, freeze
     * mode and epochs, then {@code run()}.
     */
    public static dev.slimkit.transfer.TransferStep transfer(SlimModel base) {
        return new dev.slimkit.transfer.TransferStep(base);
    }

    /**
     * Starts a learning-rate range test (Smith; fastai's {@code lr_find}) of {@code model} on
     * {@code data}'s training split; {@code run()} returns the curve and a suggested rate and
     * leaves the model's weights bit for bit as they were.
     */
    public static dev.slimkit.train.LrFinder lrFind(SlimModel model, ImageData data) {
        return new dev.slimkit.train.LrFinder(model, data);
    }

    /**
     * Starts a pipeline from {@code base}: add stages ({@code .transfer(t -> ...)}, {@code
     * .distill(...)}, {@code .prune(...)}, {@code .trim(...)}), data and a folder, then {@code run()}.
     */
    public static dev.slimkit.pipeline.Pipeline pipeline(SlimModel base) {
        return new dev.slimkit.pipeline.Pipeline(base);
    }

    /** A sweep over pipeline recipes from {@code base}; see {@link dev.slimkit.sweep.Sweep}. */
    public static dev.slimkit.sweep.Sweep sweep(SlimModel base) {
        return new dev.slimkit.sweep.Sweep(base);
    }

    /** Accuracy, per-class figures and confusion on {@code data}'s test split. */
    public static Evaluation evaluate(SlimModel model, ImageData data) {
        return Evaluator.evaluate(model, data.test(), dev.slimkit.step.Probe.EVALUATION_BATCH);
    }

    /**
     * Accuracy on the split a choice reads ({@link ImageData#choiceSplit()}: the validation split,
     * or a carved tenth of the training images when the data has none): what sweeps and other
     * choices compare, so that the test split is only reported.
     */
    public static Evaluation evaluateForChoice(SlimModel model, ImageData data) {
        return Evaluator.evaluate(model, data.choiceSplit().split(), dev.slimkit.step.Probe.EVALUATION_BATCH);
    }

    /**
     * Models side by side (params, non-zero, MACs, latency at batch 1 and 32, accuracy on the
     * test split of {@link ComparisonBuilder#data} when given), with the Pareto frontier:
     * {@code Slim.compare(a, b).data(fmnist).run()}.
     */
    public static ComparisonBuilder compare(SlimModel... models) {
        return new ComparisonBuilder(java.util.List.of(models));
    }

    /**
     * Int8 post-training quantization through ONNX Runtime: {@code Slim.quantize(m).data(d).run()}
     * (see {@link dev.slimkit.quant.Quantizer}); {@code m} is only read.
     */
    public static dev.slimkit.quant.Quantizer quantize(SlimModel model) {
        return new dev.slimkit.quant.Quantizer(model);
    }

    /** How many highest-loss images {@code %eval} shows unless told otherwise. */
    public static final int WORST_IMAGES = dev.slimkit.train.TopLoss.DEFAULT_COUNT;

    /**
     * The {@code n} test images of {@code data} on which {@code model} has the highest loss, worst
     * first (index, true and predicted class, probability, loss); none for {@code n} 0. {@code
     * ImageGrid.worst} draws them.
     */
    public static java.util.List<dev.slimkit.train.TopLoss> worst(SlimModel model, ImageData data, int n) {
        return n == 0 ? java.util.List.of() : Evaluator.worst(model, data.test(), n);
    }

    /** What the engine runs on: libtorch build and flavor, GPUs, and a warning when a GPU goes unused. */
    public static dev.slimkit.measure.Devices devices() {
        return dev.slimkit.measure.Devices.current();
    }

    /** Parameters, non-zero, trainable, frozen, MACs, bytes and per-layer rows. */
    public static ModelStats stats(SlimModel model) {
        return ModelStats.of(model);
    }

    /** Median latency and IQR at {@code batchSize} (20 warm-up, 100 timed runs). */
    public static Latency.Stats latency(SlimModel model, int batchSize) {
        return Latency.measure(model, batchSize);
    }

    /** Saves atomically; returns the file size in bytes. */
    public static long save(SlimModel model, Path file) {
        try {
            return ModelIO.save(model, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Writes {@code model} as ONNX (dynamic batch) after checking it in ONNX Runtime on seeded random
     * images; see {@link #export(SlimModel, Path, ImageData)} to check on real ones.
     */
    public static dev.slimkit.onnx.OnnxExport.Result export(SlimModel model, Path file) {
        return dev.slimkit.onnx.OnnxExport.export(model, file, null, null);
    }

    /**
     * Writes {@code model} as ONNX (dynamic batch) once ONNX Runtime's outputs on the first 32 test images
     * of {@code data} agree with slimkit's within 1e-4; the result shows the largest difference.
     */
    public static dev.slimkit.onnx.OnnxExport.Result export(SlimModel model, Path file, ImageData data) {
        return dev.slimkit.onnx.OnnxExport.export(model, file, data.test(), "test images of " + data.name());
    }

    /**
     * Reads an ONNX classifier (e.g. from {@code torch.onnx.export}) into a slimkit model with its weights:
     * it trains, prunes, distils and trims like a built-in architecture.
     */
    public static SlimModel fromOnnx(Path file) {
        return dev.slimkit.onnx.OnnxImport.load(file.getFileName().toString().replaceFirst("\\.onnx$", ""), file, 0);
    }

    /** Loads a model saved by {@link #save}. */
    public static SlimModel load(Path file) {
        try {
            return ModelIO.load(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
