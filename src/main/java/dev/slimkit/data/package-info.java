/**
 * Image classification data: the gzip IDX reader, Fashion-MNIST from Debian's {@code
 * dataset-fashion-mnist} package or a directory, synthetic sets for tests, and the immutable
 * {@link dev.slimkit.data.ImageData} bundle (train / validation / test splits) with class filters,
 * limits and splits. Data is held as plain Java arrays; NDArrays are made per batch by the caller.
 */
package dev.slimkit.data;
