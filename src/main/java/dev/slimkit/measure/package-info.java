/**
 * Measuring: multiply-accumulate counts per layer type ({@link dev.slimkit.model.Macs}) and
 * inference latency with warm-up, repetitions, median and inter-quartile range ({@link
 * dev.slimkit.measure.Latency}).
 */
package dev.slimkit.measure;
