/**
 * The recipe grammar and the step registry: every step's settings declared once ({@link
 * dev.slimkit.recipe.Setting}), one descriptor per step ({@link dev.slimkit.recipe.StepKind},
 * registered in {@link dev.slimkit.recipe.Steps}), and the parser of commands and stage lines
 * ({@link dev.slimkit.recipe.Grammar}). The kernel's magics, pipeline stage lines, sweep recipes
 * and the README's option tables all come from these declarations, so one option means one thing
 * everywhere.
 */
package dev.slimkit.recipe;
