/**
 * Builds charts (XChart) and tables (Tablesaw) from plain results: training curves, per-layer
 * parameter bars, confusion heatmaps, summaries, evaluations and model comparisons. It never
 * displays anything: the notebook extension renders what it builds, and {@link
 * dev.slimkit.report.Charts#savePng} / {@link dev.slimkit.report.Tables#toHtml} write files.
 */
package dev.slimkit.report;
