/**
 * Benchmarks that print figures, run by {@code install/bench.sh} ({@link
 * dev.slimkit.bench.TrainBench}); benchmarks are scripts, never timed unit tests.
 */
package dev.slimkit.bench;
