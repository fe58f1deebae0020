/**
 * Measuring: inference latency with warm-up, repetitions, median and inter-quartile range ({@link
 * dev.slimkit.measure.Latency}), models side by side ({@link dev.slimkit.measure.Comparison}), and
 * what the engine runs on: libtorch build, flavor and GPUs ({@link dev.slimkit.measure.Devices}).
 * MACs are counted with the spec, in {@link dev.slimkit.model.Macs}.
 */
package dev.slimkit.measure;
