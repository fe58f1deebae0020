/**
 * The notebook extension for IJava: slimkit's magics ({@link dev.slimkit.kernel.SlimkitMagics},
 * which only parse arguments and call the same API a Java cell would), renderers for charts,
 * tables and step results ({@link dev.slimkit.kernel.Renderers}), live training output ({@link
 * dev.slimkit.kernel.LiveTraining}) and the one-call installation {@link
 * dev.slimkit.kernel.SlimkitExtension#install}.
 */
package dev.slimkit.kernel;
