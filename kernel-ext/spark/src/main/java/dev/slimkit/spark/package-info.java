/**
 * slimkit sweeps on Apache Spark: {@link dev.slimkit.spark.SweepDriver} (the driver, in a child JVM
 * of the kernel), {@link dev.slimkit.spark.TrialTask} (one trial on an executor) and {@link
 * dev.slimkit.spark.LocalCluster} (a standalone master and workers on 127.0.0.1 from the Maven jars).
 */
package dev.slimkit.spark;
