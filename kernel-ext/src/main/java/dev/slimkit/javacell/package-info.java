/**
 * What a Java notebook cell is, lexically: whether Jupyter's {@code is_complete} should answer
 * complete, incomplete or invalid for it (javac's lexical rules; IJava's own analysis gets some of
 * these wrong). Pure functions, no kernel types: the kernel ({@code dev.slimkit.kernel}) asks.
 */
package dev.slimkit.javacell;
