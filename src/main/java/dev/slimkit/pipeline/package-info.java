/**
 * The pipeline: base → transfer → distill → prune → trim (any order and number of stages), each
 * stage a {@link dev.slimkit.step.Step}, every model judged on the four {@link
 * dev.slimkit.pipeline.Yardsticks}, with artifacts, resume and a from-scratch control.
 */
package dev.slimkit.pipeline;
