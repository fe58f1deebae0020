package dev.slimkit.spark;

import dev.slimkit.sweep.SweepWire;
import dev.slimkit.sweep.TrialHost;
import java.io.Serializable;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction2;

/**
 * One Spark task: the single trial of its partition, run on the executor with {@link TrialHost}
 * (data reopened from their origin on the executor, the base model from the broadcast bytes). The
 * row names the executor and the attempt; a trial that fails is a row, not a failed task, so
 * Spark retries a task only when its executor is lost.
 */
final class TrialTask extends AbstractFunction2<TaskContext, Iterator<String>, String> implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String job;
    private final Broadcast<byte[]> base;

    TrialTask(String job, Broadcast<byte[]> base) {
        this.job = job;
        this.base = base;
    }

    @Override
    public String apply(TaskContext context, Iterator<String> trials) {
        String trial = trials.next();
        String where = "executor " + SparkEnv.get().executorId() + " @ " + SparkEnv.get().blockManager()
                .blockManagerId().host() + " (pid " + ProcessHandle.current().pid() + ")";
        return TrialHost.run(SweepWire.job(job), base.value(), SweepWire.trialFrom(trial), where,
                context.attemptNumber());
    }
}
