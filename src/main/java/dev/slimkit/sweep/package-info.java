/**
 * Sweeps: a pipeline recipe whose values may be sets ({@code prune --sparsity {0.5,0.8}}) expanded
 * into trials ({@link Recipe}), each trial a pipeline run ({@link TrialRunner}), run by a {@link
 * SweepExecutor} (in this JVM, in local worker JVMs, or on an Apache Spark cluster through the
 * separate slimkit-spark module) and gathered into a {@link SweepResult}.
 */
package dev.slimkit.sweep;
