package dev.slimkit.quant;

import dev.slimkit.data.ImageSplit;
import dev.slimkit.train.Evaluation;
import dev.slimkit.train.Evaluator;
import dev.slimkit.train.TopLoss;
import dev.slimkit.onnx.OnnxRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An int8 model: the QDQ ONNX file of a slimkit model, run in ONNX Runtime (it has no DJL form and
 * cannot be trained). Evaluates on an image split and saves as a {@code .onnx} file.
 *
 * @param name its name
 * @param source the name of the float model it was made from
 * @param onnx the QDQ model, serialized
 * @param imageShape the image shape it takes (channels, height, width)
 * @param classes the classes it outputs
 */
public record QuantizedModel(String name, String source, byte[] onnx, int[] imageShape, int classes) {

    /** Images per evaluation batch. */
    static final int EVAL_BATCH = 256;

    /**
     * How the model classifies {@code split}, and its highest-loss images.
     *
     * @param evaluation confusion matrix and mean cross-entropy
     * @param worst the images with the highest loss, highest first (ties: lower index first)
     */
    public record Scored(Evaluation evaluation, List<TopLoss> worst) {}

    /** Top-1 accuracy on {@code split} in ONNX Runtime ({@code threads} intra-op threads, 0: its default). */
    public double accuracy(ImageSplit split, int threads) {
        return score(onnx, split, 0, threads).evaluation().accuracy();
    }

    /** Confusion, mean loss and the {@code worst} highest-loss images of {@code split}, in ONNX Runtime. */
    public Scored score(ImageSplit split, int worst, int threads) {
        if (worst < 0) {
            throw new IllegalArgumentException("worst must be >= 0 images, got [" + worst + "]; pass e.g. 8");
        }
        if (split.channels() != imageShape[0] || split.height() != imageShape[1] || split.width() != imageShape[2]
                || split.numClasses() != classes) {
            throw new IllegalArgumentException("int8 model [" + name + "] takes " + imageShape[0] + "x" + imageShape[1]
                    + "x" + imageShape[2] + " images of " + classes + " classes, but the data has " + split.channels()
                    + "x" + split.height() + "x" + split.width() + " images of " + split.numClasses() + " classes; pass"
                    + " the data it was quantized on");
        }
        return score(onnx, split, worst, threads);
    }

    /** Top-1 accuracy of any serialized classifier {@code model} on {@code split} in ONNX Runtime. */
    static double accuracy(byte[] model, ImageSplit split, int threads) {
        return score(model, split, 0, threads).evaluation().accuracy();
    }

    private static Scored score(byte[] model, ImageSplit split, int worst, int threads) {
        int size = split.itemSize();
        int classes = split.numClasses();
        int[][] confusion = new int[classes][classes];
        double lossSum = 0;
        List<TopLoss> all = new ArrayList<>();
        try (OnnxRunner runner = new OnnxRunner(model, threads)) {
            for (int from = 0; from < split.size(); from += EVAL_BATCH) {
                int to = Math.min(split.size(), from + EVAL_BATCH);
                float[] pixels = new float[(to - from) * size];
                for (int i = from; i < to; i++) {
                    System.arraycopy(split.image(i), 0, pixels, (i - from) * size, size);
                }
                float[][] logits = runner.run(pixels, new long[] {to - from, split.channels(), split.height(),
                        split.width()});
                for (int i = from; i < to; i++) {
                    TopLoss t = Evaluator.topLoss(i, split.label(i), logits[i - from], 0, classes);
                    confusion[t.trueClass()][t.predicted()]++;
                    lossSum += t.loss();
                    if (worst > 0) {
                        all.add(t);
                    }
                }
            }
        }
        all.sort(Comparator.comparingDouble(TopLoss::loss).reversed().thenComparingInt(TopLoss::index));
        return new Scored(new Evaluation(confusion, lossSum / split.size()),
                List.copyOf(all.subList(0, Math.min(worst, all.size()))));
    }

    /** Writes the ONNX file atomically; returns its size in bytes. */
    public long save(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, onnx);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return onnx.length;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write [" + file + "]: " + e.getMessage(), e);
        }
    }
}
