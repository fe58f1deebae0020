package dev.slimkit.kernel;

import dev.slimkit.train.FitListener;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The long-running magic of this kernel, if any (cells run one at a time). After an interrupt the
 * kernel asks it to wait until the run has stopped at its next batch, so that the cell's one-line
 * message says where it stopped and the next cell finds the model free. Owned by the extension.
 */
public final class RunTracker {

    private volatile Run active;

    /** One tracked run: counts the batches it trains. */
    public static final class Run implements FitListener {
        private final String activity;
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile long batches;

        private Run(String activity) {
            this.activity = activity;
        }

        @Override
        public void onBatch(BatchProgress progress) {
            batches++;
        }

        /** Batches trained so far. */
        public long batches() {
            return batches;
        }
    }

    /** Starts tracking {@code activity} (e.g. {@code train}); end it with {@link #end}. */
    public Run begin(String activity) {
        Run run = new Run(activity);
        active = run;
        return run;
    }

    /** The run has stopped (finished, failed or interrupted). */
    public void end(Run run) {
        run.done.countDown();
        if (active == run) {
            active = null;
        }
    }

    /**
     * After an interrupt: waits up to {@code timeoutMillis} for the active run to stop and says
     * where it stopped; null when nothing was running.
     */
    public String awaitStopped(long timeoutMillis) throws InterruptedException {
        Run run = active;
        if (run == null) {
            return null;
        }
        boolean stopped = run.done.await(timeoutMillis, TimeUnit.MILLISECONDS);
        if (!stopped) {
            return "interrupt requested; " + run.activity + " is finishing its current batch (" + run.batches
                    + " done so far)";
        }
        return run.batches > 0
                ? "interrupted after " + run.batches + " batches; the model keeps the steps trained so far and its history"
                : "interrupted " + run.activity + " before any training; the models are as they were";
    }
}
