package dev.slimkit.sweep;

import dev.slimkit.io.ModelIO;
import dev.slimkit.train.Interrupted;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * Trials on this machine: one after another in this JVM (0 workers), or spread over N worker JVMs
 * ({@link TrialWorker}, one PyTorch thread each) that take the next trial as they finish one. A
 * worker that dies during a trial makes that trial a failed row; the others go on.
 */
final class LocalExecutor implements SweepExecutor {

    /** The system property naming the class path of local worker JVMs (default: this JVM's). */
    static final String CLASSPATH_PROPERTY = "slimkit.sweep.classpath";

    private final int workers;

    LocalExecutor(int workers) {
        if (workers < 0) {
            throw new IllegalArgumentException("workers must be >= 0 (0 runs trials in this JVM), got [" + workers + "]");
        }
        this.workers = workers;
    }

    @Override
    public String describe() {
        return workers == 0 ? "local" : "local, " + workers + " worker" + (workers == 1 ? "" : "s");
    }

    @Override
    public boolean run(Work work, List<Trial> trials, Consumer<SweepResult.Row> onRow) {
        return workers == 0 ? inProcess(work, trials, onRow) : inWorkers(work, trials, onRow);
    }

    private static boolean inProcess(Work work, List<Trial> trials, Consumer<SweepResult.Row> onRow) {
        for (Trial t : trials) {
            try {
                onRow.accept(TrialRunner.run(t, work.base(), work.data(), work.reader(), work.latency(),
                        artifact(work.dir(), t), "kernel", 0, 0, work.fit()));
            } catch (Interrupted e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return true;
    }

    /** {@code DIR/trial-NN.slim}, or null without a dir. */
    static Path artifact(Path dir, Trial t) {
        return dir == null ? null : dir.resolve(String.format(Locale.ROOT, "trial-%02d.slim", t.index()));
    }

    /** Writes the base model and the job file into the work's scratch folder; returns the job file. */
    static Path writeJob(Work work, List<Trial> trials, String master, String app) {
        try {
            Files.createDirectories(work.scratch());
            Path base = work.scratch().resolve("base.slim");
            ModelIO.save(work.base(), base);
            Path job = work.scratch().resolve("job.json");
            Files.writeString(job, SweepWire.job(new SweepWire.Job(base, work.data().origin(), work.latency(), trials,
                    master, app)));
            return job;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sweep's job into [" + work.scratch() + "]: "
                    + e.getMessage(), e);
        }
    }

    /** Saves a row's model bytes as its artifact (when there is a dir) and returns the row with it. */
    static SweepResult.Row keep(Work work, SweepWire.Received r) {
        Path file = artifact(work.dir(), r.row().trial());
        if (file == null || r.model() == null) {
            return r.row();
        }
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, r.model());
            return r.row().withArtifact(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save trial " + r.row().trial().index() + "'s model to [" + file
                    + "]: " + e.getMessage(), e);
        }
    }

    private boolean inWorkers(Work work, List<Trial> trials, Consumer<SweepResult.Row> onRow) {
        Path job = writeJob(work, trials, null, "slimkit sweep");
        String cp = System.getProperty(CLASSPATH_PROPERTY, System.getProperty("java.class.path"));
        ConcurrentLinkedQueue<Trial> todo = new ConcurrentLinkedQueue<>(trials);
        BlockingQueue<Object> done = new LinkedBlockingQueue<>();
        List<ChildJvm> jvms = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        int n = Math.min(workers, trials.size());
        try {
            for (int w = 1; w <= n; w++) {
                ChildJvm jvm = ChildJvm.start(cp, List.of("-Xss4m", "-Djava.awt.headless=true", "-Dai.djl.offline=true",
                        "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"),
                        TrialWorker.class.getName(), List.of(job.toString(), String.valueOf(w)),
                        work.scratch().resolve("worker-" + w + ".log"));
                jvms.add(jvm);
                int number = w;
                Thread th = new Thread(() -> feed(number, jvm, todo, done), "sweep-worker-" + w);
                th.setDaemon(true);
                th.start();
                threads.add(th);
            }
            int received = 0;
            int ended = 0;
            while (received < trials.size() && ended < n) {
                Object o = done.take();
                if (o instanceof SweepResult.Row row) {
                    received++;
                    onRow.accept(row);
                } else if (o instanceof SweepWire.Received r) {
                    received++;
                    onRow.accept(keep(work, r));
                } else {
                    ended++; // a worker's thread ends after handing over its last row
                }
            }
            Trial left;
            while ((left = todo.poll()) != null) {
                onRow.accept(TrialRunner.failed(left, "none", 0, 0, 0,
                        new IllegalStateException("every worker has exited; see " + work.scratch())));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            jvms.forEach(j -> j.send(SweepWire.CANCEL));
            jvms.forEach(ChildJvm::close);
        }
    }

    /** One worker's loop: send it the next trial, wait for its row, until none is left or it dies. */
    private static void feed(int number, ChildJvm jvm, ConcurrentLinkedQueue<Trial> todo, BlockingQueue<Object> done) {
        try {
            Trial t;
            while ((t = todo.poll()) != null) {
                if (!jvm.send("trial " + t.index())) {
                    done.add(TrialRunner.failed(t, "worker " + number, 0, 0, 0,
                            new IllegalStateException("worker " + number + " has gone: " + jvm.lastLogLine())));
                    return;
                }
                String line;
                while ((line = jvm.readLine()) != null && !line.startsWith(SweepWire.ROW)) {
                    // other output: ignored (logs go to the worker's log file)
                }
                if (line == null) {
                    done.add(TrialRunner.failed(t, "worker " + number, 0, 0, 0, new IllegalStateException("worker "
                            + number + " exited during the trial: " + jvm.lastLogLine())));
                    return;
                }
                done.add(SweepWire.row(line.substring(SweepWire.ROW.length())));
            }
        } catch (IOException e) {
            // the worker's pipe closed: the loop above reports the trial it had
        } finally {
            done.add("worker " + number + " ended");
        }
    }
}
