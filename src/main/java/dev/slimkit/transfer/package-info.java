/**
 * Transfer learning: take a trained model, give it a new head for a new task, freeze the
 * backbone (weights, optimizer steps and batch-norm statistics alike), fine-tune, and optionally
 * unfreeze it later at a lower learning rate (fastai's {@code fine_tune}). {@link
 * dev.slimkit.transfer.TransferStep} is the step.
 */
package dev.slimkit.transfer;
