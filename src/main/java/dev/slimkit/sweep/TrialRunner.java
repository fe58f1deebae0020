package dev.slimkit.sweep;

import dev.slimkit.pipeline.StageLines;
import dev.slimkit.data.ImageData;
import dev.slimkit.io.ModelIO;
import dev.slimkit.model.SlimModel;
import dev.slimkit.pipeline.Pipeline;
import dev.slimkit.pipeline.PipelineResult;
import dev.slimkit.pipeline.Yardsticks;
import dev.slimkit.train.Evaluator;
import dev.slimkit.train.FitListener;
import dev.slimkit.train.Interrupted;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/**
 * Runs one trial wherever it is called (the kernel, a worker JVM, a Spark executor): the trial's
 * lines as a pipeline on the base model, then its final model measured on the four yardsticks
 * (test split) and on the validation split, saved to the artifact file when one is given. Every
 * model the pipeline made is freed afterwards. A trial that fails is a row with its one-line error;
 * an interrupt is passed on ({@link Interrupted}).
 */
public final class TrialRunner {

    private TrialRunner() {}

    /**
     * Runs {@code trial}.
     *
     * @param reader reads the trial's stage lines
     * @param latency whether to measure latency (efficiency and scalability yardsticks)
     * @param artifact where to save the final model, or null
     * @param where the JVM's description for the row
     * @param attempt the attempt number for the row
     * @param setupSeconds the JVM's set-up time for this trial, for the row
     * @param fit a training listener per model the trial trains, or null
     * @throws Interrupted when the thread was interrupted (the stop button)
     */
    public static SweepResult.Row run(Trial trial, SlimModel base, ImageData data, StageLines reader, boolean latency,
            Path artifact, String where, int attempt, double setupSeconds, Function<SlimModel, FitListener> fit) {
        long t0 = System.nanoTime();
        Pipeline pipeline = new Pipeline(base).data(data).as(String.format(Locale.ROOT, "trial-%02d", trial.index()))
                .measureLatency(false);
        if (fit != null) {
            pipeline.listeners(fit);
        }
        try {
            reader.read(trial.body()).forEach(pipeline::stage);
            PipelineResult result = pipeline.run();
            if (result.interrupted()) {
                throw new Interrupted("trial " + trial.index());
            }
            SlimModel last = result.finalModel();
            long bytes = artifact == null ? ModelIO.encodedSize(last) : save(last, artifact);
            Yardsticks y = Yardsticks.measure(last, data, bytes, latency);
            double val = data.validation().map(v -> Evaluator.evaluate(last, v, 256).accuracy()).orElse(Double.NaN);
            return new SweepResult.Row(trial, SweepResult.Status.DONE, y, val, where, attempt, seconds(t0), setupSeconds,
                    artifact, null);
        } catch (Interrupted e) {
            throw e;
        } catch (RuntimeException | IOException | OutOfMemoryError e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new Interrupted("trial " + trial.index());
            }
            return failed(trial, where, attempt, seconds(t0), setupSeconds, e);
        } finally {
            pipeline.outputs().values().stream().distinct().filter(m -> m != base).forEach(SlimModel::close);
        }
    }

    /** A failed trial's row: the error's first line, with its type when it has no message. */
    public static SweepResult.Row failed(Trial trial, String where, int attempt, double seconds, double setupSeconds,
            Throwable e) {
        return new SweepResult.Row(trial, SweepResult.Status.FAILED, null, Double.NaN, where, attempt, seconds,
                setupSeconds, null, oneLine(e));
    }

    /** The first line of {@code e}'s message (its class name when it has none). */
    public static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static long save(SlimModel model, Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return ModelIO.save(model, file);
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
