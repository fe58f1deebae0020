/**
 * Runnable programs outside the notebook: the headless quickstart demo ({@link
 * dev.slimkit.bench.Demo}) and benchmarks that print figures ({@link
 * dev.slimkit.bench.TrainBench}). Benchmarks are scripts, never timed unit tests.
 */
package dev.slimkit.bench;
