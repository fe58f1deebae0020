/**
 * Transfer learning: take a trained model, give it a new head for a new task, freeze the
 * backbone (weights, optimizer steps and batch-norm statistics alike), fine-tune, and optionally
 * unfreeze it later at a lower learning rate (fastai's {@code fine_tune}). {@link
 * dev.slimkit.transfer.TransferStep} is the step; with {@code cacheFeatures(true)} the frozen
 * layers run once and the head trains on their outputs ({@code FeatureCache}, DL4J's trick). The
 * base may be a slimkit model or a TorchScript file ({@link dev.slimkit.model.TorchScript}).
 */
package dev.slimkit.transfer;
