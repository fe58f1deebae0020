package dev.slimkit.sweep;

import dev.slimkit.pipeline.StageLines;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.io.ModelIO;
import dev.slimkit.model.SlimModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Runs trials in a JVM away from the kernel (a local worker or a Spark executor): opens the data
 * from their origin and loads the base model from its bytes once per JVM, runs each trial with
 * {@link TrialRunner}, and answers a row (as {@link SweepWire} JSON) that carries the final
 * model's file, so the kernel can save it whatever file system the trial ran on.
 */
public final class TrialHost {

    private static String dataKey;
    private static ImageData data;
    private static byte[] baseKey;
    private static SlimModel base;

    private TrialHost() {}

    /**
     * Runs {@code trial} of {@code job} here.
     *
     * @param baseBytes the base model file's bytes
     * @param where this JVM's description for the row
     * @param attempt the attempt number for the row
     * @return the row as one line of JSON, with the final model's bytes
     */
    public static synchronized String run(SweepWire.Job job, byte[] baseBytes, Trial trial, String where, int attempt) {
        long t0 = System.nanoTime();
        Path tmp = null;
        try {
            ready(job, baseBytes);
            double setup = (System.nanoTime() - t0) / 1e9;
            tmp = Files.createTempFile("slimkit-trial-", ".slim");
            Files.delete(tmp);
            SweepResult.Row row = TrialRunner.run(trial, base, data, StageLines.detached(), job.latency(), tmp, where,
                    attempt, setup, null);
            byte[] model = row.status() == SweepResult.Status.DONE ? Files.readAllBytes(tmp) : null;
            return SweepWire.row(row, model);
        } catch (RuntimeException | IOException e) {
            return SweepWire.row(TrialRunner.failed(trial, where, attempt, 0, (System.nanoTime() - t0) / 1e9, e), null);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    private static void ready(SweepWire.Job job, byte[] baseBytes) throws IOException {
        if (!job.data().equals(dataKey)) {
            data = Datasets.reopen(job.data());
            dataKey = job.data();
        }
        if (!Arrays.equals(baseBytes, baseKey)) {
            if (base != null) {
                base.close();
            }
            Path f = Files.createTempFile("slimkit-base-", ".slim");
            try {
                Files.write(f, baseBytes);
                base = ModelIO.load(f, "base");
            } finally {
                Files.deleteIfExists(f);
            }
            baseKey = baseBytes;
        }
    }

    /** Reads a file, as an unchecked error naming it. */
    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read [" + file + "]: " + e.getMessage(), e);
        }
    }
}
