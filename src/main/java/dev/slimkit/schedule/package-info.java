/**
 * {@link dev.slimkit.schedule.Schedule}: a value as a function of training progress in [0, 1]. One
 * type serves learning rates, sparsity targets and distillation weights.
 */
package dev.slimkit.schedule;
