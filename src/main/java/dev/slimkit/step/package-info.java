/**
 * The skeleton every slimkit step shares ({@link dev.slimkit.step.Step}): validate → lock →
 * probe before → the step's own surgery and training → probe after → {@link
 * dev.slimkit.step.StepResult}. The shared parts are written once: the training part ({@link
 * dev.slimkit.step.FineTune}: data, epochs, settings, listeners), the probe ({@link
 * dev.slimkit.step.Probe}: figures, test evaluation, latency), and the result builder. The plain
 * training step ({@link dev.slimkit.step.TrainStep}) lives here too; transfer, distill, prune and
 * trim live in their own packages and extend {@code Step}.
 *
 * <p>Naming rule for every step's fluent setters: {@code data}, {@code epochs}, {@code lr}, {@code
 * batch}, {@code seed}, {@code optimizer}, {@code schedule}, {@code weightDecay}, {@code config},
 * {@code as} (the result is a new model of that name), {@code measureLatency}, {@code listener},
 * {@code listeners}; a step's own options carry its magic's flag name in camel case ({@code
 * --unfreeze-after} → {@code unfreezeAfter}, {@code --round} → {@code round}). Defaults live in the
 * step, nowhere else; a result's default name is the step's rule (in place for train, transfer and
 * prune; {@code TEACHER-student} and {@code STUDENT-scratch} for distill; {@code NAME-trimmed} for
 * trim). Error messages name setters as {@code data(...)}; the notebook kernel shows them as
 * flags.
 */
package dev.slimkit.step;
