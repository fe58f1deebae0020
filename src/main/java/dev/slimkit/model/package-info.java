/**
 * Architectures as data and as DJL blocks: {@link dev.slimkit.model.ModelSpec} (layers, widths,
 * residual blocks; JSON), the built-in architectures ({@code mlp}, {@code lenet5}, {@code
 * cnn-small}, {@code resnet20}), the blocks built from a spec ({@link
 * dev.slimkit.model.SequentialLayers}, {@link dev.slimkit.model.ResidualBlock}), the model handle
 * {@link dev.slimkit.model.SlimModel}, {@link dev.slimkit.model.ModelStats} with a per-layer
 * summary, and {@link dev.slimkit.model.TorchScript} for bases made in PyTorch (an opaque,
 * trainable layer).
 */
package dev.slimkit.model;
