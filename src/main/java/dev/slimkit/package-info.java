/**
 * slimkit: make neural networks smaller and faster from a notebook. {@link dev.slimkit.Slim} is
 * the entry point; {@link dev.slimkit.step.StepResult} is what every step returns.
 */
package dev.slimkit;
