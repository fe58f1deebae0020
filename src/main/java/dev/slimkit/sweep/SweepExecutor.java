package dev.slimkit.sweep;

import dev.slimkit.pipeline.StageLines;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where a sweep's trials run: {@link #local()} one after another in this JVM, {@link #local(int)}
 * in N local worker JVMs, or {@link #spark(String)} one Spark task per trial on a standalone
 * cluster. DJL's PyTorch engine trains one model per JVM at a time (one gradient collector), so
 * trials run in parallel only in separate JVMs.
 */
public interface SweepExecutor {

    /** What the result's {@code executor} field says, e.g. {@code local, 2 workers}. */
    String describe();

    /**
     * Runs {@code trials}, handing each finished row to {@code onRow} on the calling thread, and
     * returns when all have finished. An interrupt of the calling thread stops the trials still
     * running (their rows are dropped) and returns with the thread's interrupt flag set.
     *
     * @param work the sweep's set-up: base, data, reader, artifacts
     * @return true when every trial finished, false when stopped
     */
    boolean run(Work work, List<Trial> trials, Consumer<SweepResult.Row> onRow);

    /**
     * What every executor gets from the sweep.
     *
     * @param base the base model (only read)
     * @param data the data (remote executors reopen it from its origin)
     * @param reader reads stage lines in this JVM
     * @param latency measure latency
     * @param dir where artifacts go (trial-NN.slim), or null
     * @param scratch a folder for the job's own files (base model file, job file, logs)
     */
    record Work(dev.slimkit.model.SlimModel base, dev.slimkit.data.ImageData data, StageLines reader, boolean latency,
            Path dir, Path scratch, java.util.function.Function<dev.slimkit.model.SlimModel, dev.slimkit.train.FitListener> fit) {}

    /** Trials one after another in this JVM. */
    static SweepExecutor local() {
        return new LocalExecutor(0);
    }

    /** Trials in {@code workers} local JVMs (one core each), or in this JVM for 0. */
    static SweepExecutor local(int workers) {
        return new LocalExecutor(workers);
    }

    /**
     * One Spark task per trial on the standalone cluster at {@code masterUrl} ({@code
     * spark://host:port}); the Spark driver runs in a child JVM started from the slimkit-spark
     * module's class path (see {@link SparkExecutor#classPath()}).
     */
    static SweepExecutor spark(String masterUrl) {
        return new SparkExecutor(masterUrl);
    }
}
