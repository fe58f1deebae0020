/**
 * Self-describing save and load: one zip artifact holding the model spec (JSON), every parameter
 * with its path and shape, the training history and provenance. Writes are atomic (temporary
 * file, then rename); loads check every shape against the spec and change nothing on failure.
 */
package dev.slimkit.io;
