/**
 * Self-describing save and load: one zip artifact holding the model spec (JSON), every parameter
 * with its path and shape, the training history and provenance, with a SHA-256 of each entry.
 * Writes are durable and atomic (temporary file forced to disk, atomic rename, folder forced);
 * loads check sizes, checksums and every shape against the spec before allocating, change nothing
 * on failure and report it as one {@link dev.slimkit.io.ModelFileException} of one line.
 */
package dev.slimkit.io;
