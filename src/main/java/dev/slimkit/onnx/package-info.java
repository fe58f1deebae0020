/**
 * ONNX in and out: {@link dev.slimkit.onnx.OnnxExport} writes a slimkit model as an ONNX graph (dynamic
 * batch) and checks it in ONNX Runtime before it reports the file done; {@link dev.slimkit.onnx.OnnxImport}
 * reads a graph of Conv, BatchNormalization, Relu, pooling, Gemm/MatMul+Add, Flatten/Reshape and residual
 * Adds into a real {@link dev.slimkit.model.ModelSpec} with its weights, so it trains, prunes and trims like
 * a built-in architecture; {@link dev.slimkit.onnx.OnnxRunner} runs a file in ONNX Runtime (outputs,
 * latency).
 */
package dev.slimkit.onnx;
