package dev.slimkit.measure;

/**
 * One model's figures in a comparison table or Pareto chart. Latency and accuracy may be NaN when
 * not measured.
 *
 * @param model the model's name
 * @param params learnable parameters
 * @param nonzeroParams of those, non-zero
 * @param macs per image
 * @param latencyMsBatch1 median ms at batch 1
 * @param latencyMsBatch32 median ms at batch 32
 * @param accuracy test accuracy in [0, 1]
 */
public record ComparisonRow(
        String model,
        long params,
        long nonzeroParams,
        long macs,
        double latencyMsBatch1,
        double latencyMsBatch32,
        double accuracy) {}
