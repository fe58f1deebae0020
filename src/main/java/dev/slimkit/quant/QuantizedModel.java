package dev.slimkit.quant;

import dev.slimkit.data.ImageSplit;
import dev.slimkit.onnx.OnnxRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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

    /** Top-1 accuracy on {@code split} in ONNX Runtime ({@code threads} intra-op threads, 0: its default). */
    public double accuracy(ImageSplit split, int threads) {
        return accuracy(onnx, split, threads);
    }

    /** Top-1 accuracy of any serialized classifier {@code model} on {@code split} in ONNX Runtime. */
    static double accuracy(byte[] model, ImageSplit split, int threads) {
        int size = split.itemSize();
        long correct = 0;
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
                    if (argMax(logits[i - from]) == split.label(i)) {
                        correct++;
                    }
                }
            }
        }
        return (double) correct / split.size();
    }

    private static int argMax(float[] row) {
        int best = 0;
        for (int c = 1; c < row.length; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        return best;
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
