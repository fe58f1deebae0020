/**
 * Int8 post-training quantization through ONNX Runtime: slimkit's checked ONNX export has its
 * batch norms folded into the convolutions, its activations calibrated on training images, and
 * QuantizeLinear/DequantizeLinear pairs written around every tensor (QDQ format: int8 weights per
 * output channel, uint8 activations per tensor, int32 biases), which ONNX Runtime fuses into
 * integer kernels. DJL stays the training engine; the int8 model runs in ONNX Runtime.
 */
package dev.slimkit.quant;
