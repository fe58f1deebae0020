package dev.slimkit.measure;

/**
 * One model's latency in one runtime, for {@code %compare --runtime djl,onnx}: median and IQR at batch 1
 * and 32 (NaN when not measured), and a note when the runtime could not run the model.
 *
 * @param model the model's name
 * @param runtime {@code DJL (PyTorch)} or {@code ONNX Runtime}
 * @param msBatch1 median ms at batch 1
 * @param iqrBatch1 inter-quartile range at batch 1, ms
 * @param msBatch32 median ms at batch 32
 * @param iqrBatch32 inter-quartile range at batch 32, ms
 * @param note why the runtime has no figures for the model, or the export check's largest difference
 */
public record RuntimeRow(String model, String runtime, double msBatch1, double iqrBatch1, double msBatch32,
        double iqrBatch32, String note) {}
