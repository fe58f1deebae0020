/**
 * Measuring: multiply-accumulate counts per layer type ({@link dev.slimkit.measure.Macs}),
 * inference latency with warm-up, repetitions, median and inter-quartile range ({@link
 * dev.slimkit.measure.Latency}), and what the engine runs on: libtorch build, flavor and GPUs
 * ({@link dev.slimkit.measure.Devices}).
 */
package dev.slimkit.measure;
