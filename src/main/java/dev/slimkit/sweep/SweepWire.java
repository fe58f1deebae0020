package dev.slimkit.sweep;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.slimkit.io.JsonRead;
import dev.slimkit.pipeline.Yardsticks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON a sweep's JVMs exchange: the job (base model file, data origin, trials), one row per
 * finished trial (with the final model's bytes when it ran away from the kernel), and the line
 * protocol of a child JVM: it prints {@code SWEEP-ROW <json>} for each trial and {@code
 * SWEEP-DONE} at the end on its standard output, and reads {@code cancel} on its standard input.
 */
public final class SweepWire {

    /** Prefix of a result line on a child JVM's standard output. */
    public static final String ROW = "SWEEP-ROW ";
    /** The line a child JVM prints when every trial it was given has finished. */
    public static final String DONE = "SWEEP-DONE";
    /** Prefix of a line that reports a sweep-wide failure (the job could not run). */
    public static final String FAIL = "SWEEP-FAIL ";
    /** What the kernel writes to a child's standard input to stop it. */
    public static final String CANCEL = "cancel";

    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    private SweepWire() {}

    /**
     * A job for a child JVM.
     *
     * @param base the base model's file
     * @param data the data's origin ({@link dev.slimkit.data.ImageData#origin})
     * @param latency measure latency
     * @param trials the trials to run
     * @param master the Spark master URL, or null for a local worker
     * @param app the Spark application name
     */
    public record Job(Path base, String data, boolean latency, List<Trial> trials, String master, String app) {}

    public static String job(Job job) {
        JsonObject o = new JsonObject();
        o.addProperty("base", job.base().toString());
        o.addProperty("data", job.data());
        o.addProperty("latency", job.latency());
        JsonArray t = new JsonArray();
        job.trials().forEach(x -> t.add(trial(x)));
        o.add("trials", t);
        if (job.master() != null) {
            o.addProperty("master", job.master());
        }
        o.addProperty("app", job.app());
        return GSON.toJson(o);
    }

    public static Job job(String json) {
        JsonObject o = JsonRead.object(json);
        List<Trial> trials = new ArrayList<>();
        o.getAsJsonArray("trials").forEach(e -> trials.add(trial(e.getAsJsonObject())));
        return new Job(Path.of(o.get("base").getAsString()), o.get("data").getAsString(), o.get("latency").getAsBoolean(),
                trials, o.has("master") ? o.get("master").getAsString() : null, o.get("app").getAsString());
    }

    /** Reads a job file. */
    public static Job readJob(Path file) {
        try {
            return job(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sweep job [" + file + "]: " + e.getMessage(), e);
        }
    }

    public static JsonObject trial(Trial t) {
        JsonObject o = new JsonObject();
        o.addProperty("index", t.index());
        JsonObject s = new JsonObject();
        t.settings().forEach(s::addProperty);
        o.add("settings", s);
        JsonArray lines = new JsonArray();
        t.lines().forEach(lines::add);
        o.add("lines", lines);
        return o;
    }

    public static Trial trial(JsonObject o) {
        Map<String, String> settings = new LinkedHashMap<>();
        o.getAsJsonObject("settings").entrySet().forEach(e -> settings.put(e.getKey(), e.getValue().getAsString()));
        List<String> lines = new ArrayList<>();
        o.getAsJsonArray("lines").forEach(e -> lines.add(e.getAsString()));
        return new Trial(o.get("index").getAsInt(), settings, lines);
    }

    public static String trialJson(Trial t) {
        return GSON.toJson(trial(t));
    }

    public static Trial trialFrom(String json) {
        return trial(JsonRead.object(json));
    }

    /** A row as one line of JSON; {@code model} (the final model file's bytes) may be null. */
    public static String row(SweepResult.Row r, byte[] model) {
        JsonObject o = new JsonObject();
        o.add("trial", trial(r.trial()));
        o.addProperty("status", r.status().name());
        if (r.yardsticks() != null) {
            o.add("yardsticks", r.yardsticks().toJson());
        }
        o.addProperty("validation", r.validationAccuracy());
        o.addProperty("where", r.where());
        o.addProperty("attempt", r.attempt());
        o.addProperty("seconds", r.seconds());
        o.addProperty("setup", r.setupSeconds());
        if (r.error() != null) {
            o.addProperty("error", r.error());
        }
        if (model != null) {
            o.addProperty("model", Base64.getEncoder().encodeToString(model));
        }
        return GSON.toJson(o);
    }

    /** A row read back, and the model bytes it carried (or null). */
    public record Received(SweepResult.Row row, byte[] model) {}

    public static Received row(String json) {
        JsonObject o = JsonRead.object(json);
        SweepResult.Row r = new SweepResult.Row(trial(o.getAsJsonObject("trial")),
                SweepResult.Status.valueOf(o.get("status").getAsString()),
                o.has("yardsticks") ? Yardsticks.fromJson(o.getAsJsonObject("yardsticks")) : null,
                o.get("validation").getAsDouble(), o.get("where").getAsString(), o.get("attempt").getAsInt(),
                o.get("seconds").getAsDouble(), o.get("setup").getAsDouble(), null,
                o.has("error") ? o.get("error").getAsString() : null);
        return new Received(r, o.has("model") ? Base64.getDecoder().decode(o.get("model").getAsString()) : null);
    }
}
