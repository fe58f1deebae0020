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
 * @param seconds wall time of the whole quantization
 */
public record QuantizeResult(QuantizedModel model, int calibrationImages, Calibration.Method method, boolean perChannel,
        double validationFp32, double validationInt8, double testFp32, double testInt8, long fp32Bytes, long int8Bytes,
        List<OnnxRunner.Latency> latency, List<Layer> layers, double seconds) {

    /**
     * One weighted layer.
     *
     * @param node the ONNX node (slimkit layer path and op)
     * @param op Conv or Gemm
     * @param quantized false when it was kept float (excluded)
     * @param weightSqnrDb signal-to-quantization-noise ratio of its int8 weights (NaN when kept float)
     * @param outputSqnrDb SQNR of its output (after its Relu, when only a Relu reads it) in the int8 model
     *     against the float model, on validation images: the error of every layer up to it (NaN when not
     *     measured)
     */
    public record Layer(String node, String op, boolean quantized, double weightSqnrDb, double outputSqnrDb) {}

    /** The latency at {@code batch} of the float (index 0) or int8 (index 1) model, or null when not measured. */
    public OnnxRunner.Latency latency(int batch, boolean int8) {
        List<OnnxRunner.Latency> at = latency.stream().filter(l -> l.batchSize() == batch).toList();
        return at.size() < 2 ? null : at.get(int8 ? 1 : 0);
    }
}
