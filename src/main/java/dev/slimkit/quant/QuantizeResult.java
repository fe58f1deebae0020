package dev.slimkit.quant;

import dev.slimkit.onnx.OnnxRunner;
import java.util.List;

/**
 * What a quantization made and measured, all in ONNX Runtime on this machine.
 *
 * @param model the int8 model
 * @param calibrationImages training images the activation ranges were read on
 * @param method how each range was chosen
 * @param perChannel whether weights have one scale per output channel
 * @param validationFp32 accuracy of the float model on the validation split (NaN without one)
 * @param validationInt8 accuracy of the int8 model on the validation split (NaN without one)
 * @param testFp32 accuracy of the float model on the test split
 * @param testInt8 accuracy of the int8 model on the test split
 * @param fp32Bytes size of the float ONNX file
 * @param int8Bytes size of the int8 ONNX file
 * @param latency float then int8 at each measured batch (interleaved; empty when not measured)
 * @param layers one row per Conv and Gemm, in graph order
 * @param maxDrop the bound on lost validation accuracy in points (NaN when none was set)
 * @param validationAllInt8 validation accuracy with every layer int8, before the bound gave any back
 *     (NaN without a bound)
 * @param fallbacks the layers returned to float to stay within {@code maxDrop}, in order
 * @param seconds wall time of the whole quantization
 */
public record QuantizeResult(QuantizedModel model, int calibrationImages, Calibration.Method method, boolean perChannel,
        double validationFp32, double validationInt8, double testFp32, double testInt8, long fp32Bytes, long int8Bytes,
        List<OnnxRunner.Latency> latency, List<Layer> layers, double maxDrop, double validationAllInt8,
        List<Fallback> fallbacks, double seconds) {

    /**
     * A layer returned to float by the accuracy bound.
     *
     * @param node its layer path
     * @param addedSqnrDb the SQNR of the noise it added in int8 (lower: noisier), why it went first
     * @param validationAfter validation accuracy of the int8 model once it was float
     */
    public record Fallback(String node, double addedSqnrDb, double validationAfter) {}

    /**
     * One weighted layer.
     *
     * @param node its slimkit layer path
     * @param nodeName its ONNX node's name
     * @param op Conv or Gemm
     * @param quantized false when it was kept float (excluded)
     * @param weightSqnrDb signal-to-quantization-noise ratio of its int8 weights (NaN when kept float)
     * @param outputSqnrDb SQNR of its output (after its Relu, when only a Relu reads it) in the int8 model
     *     against the float model, on validation images: the error of every layer up to it (NaN when not
     *     measured)
     * @param addedSqnrDb the SQNR of the noise this layer adds (its output's noise power less its
     *     predecessor's in graph order); the accuracy bound returns the lowest to float first
     */
    public record Layer(String node, String nodeName, String op, boolean quantized, double weightSqnrDb,
            double outputSqnrDb, double addedSqnrDb) {}

    /** The latency at {@code batch} of the float (index 0) or int8 (index 1) model, or null when not measured. */
    public OnnxRunner.Latency latency(int batch, boolean int8) {
        List<OnnxRunner.Latency> at = latency.stream().filter(l -> l.batchSize() == batch).toList();
        return at.size() < 2 ? null : at.get(int8 ? 1 : 0);
    }
}
