package dev.slimkit.step;

/**
 * A step's own typed result record, carried by {@link StepResult#detail()}: what the step's magic
 * draws beyond the common figures (trim's per-cut table and latency table, prune's sparsity
 * schedule). Reports render from it, never from the step object, so a pipeline stage shows exactly
 * what the step's own magic shows.
 */
public interface StepDetail {}
