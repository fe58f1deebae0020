/**
 * Training and evaluation: the fit loop ({@link dev.slimkit.train.FitLoop}) with learning-rate
 * schedules, per-batch and per-epoch {@link dev.slimkit.train.FitListener}s, cooperative
 * cancellation through the thread's interrupt flag, the {@link dev.slimkit.model.History} it
 * records, and {@link dev.slimkit.train.Evaluation} (accuracy, per-class precision / recall / F1,
 * confusion matrix).
 */
package dev.slimkit.train;
