/**
 * Unstructured pruning: zero the least important weights. {@link dev.slimkit.prune.Importance}
 * scores weights (magnitude L1 or L2); {@link dev.slimkit.prune.MaskSelector} turns scores into
 * masks, globally or per layer; {@link dev.slimkit.prune.PruneStep} prunes one-shot or gradually
 * (AGP) with masked fine-tuning; {@link dev.slimkit.prune.Sensitivity} scans layer by layer.
 * Unstructured sparsity compresses a model but does not speed up dense kernels: use trimming for
 * speed.
 */
package dev.slimkit.prune;
