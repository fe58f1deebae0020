/**
 * Trimming (structured pruning): remove whole channels, filters and residual blocks so that the
 * model becomes a genuinely smaller, faster dense network. {@link dev.slimkit.trim.ChannelGroup}s
 * say which layers must shrink together ({@link dev.slimkit.trim.Groups} derives them from a spec);
 * {@link dev.slimkit.trim.Trimmer} rebuilds a narrower model from a new spec and copies the kept
 * weights; {@link dev.slimkit.trim.TrimStep} is the step, with an equivalence check on every trim.
 */
package dev.slimkit.trim;
