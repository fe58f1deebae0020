/**
 * Knowledge distillation (Hinton et al. 2015): a small student learns from a large teacher's
 * softened outputs. {@link dev.slimkit.distill.DistillationLoss} is the loss; {@link
 * dev.slimkit.distill.DistillStep} the step ({@code Slim.distill(teacher)...run()}). The teacher
 * runs in inference mode outside the gradient tape and never changes.
 */
package dev.slimkit.distill;
