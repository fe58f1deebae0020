package dev.slimkit.io;

import ai.djl.engine.Engine;
import java.time.Instant;
import java.util.Map;

/**
 * Where an artifact or result came from: library versions, engine, Java version, seed, time and
 * free-form notes (e.g. the training recipe).
 *
 * @param slimkitVersion slimkit's version
 * @param djlVersion DJL's version
 * @param engine engine name and version, e.g. {@code PyTorch 2.7.1}
 * @param javaVersion the JVM's version
 * @param seed the model's seed
 * @param created ISO-8601 instant
 * @param notes free-form key/value notes
 */
public record Provenance(
        String slimkitVersion,
        String djlVersion,
        String engine,
        String javaVersion,
        long seed,
        String created,
        Map<String, String> notes) {

    /** slimkit's version. */
    public static final String SLIMKIT_VERSION = "0.1.0-SNAPSHOT";

    public Provenance {
        // Sorted, so that a saved manifest lists them in one order whatever map they came in.
        notes = notes == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(notes));
    }

    /** Provenance of this JVM and engine now. */
    public static Provenance current(long seed, Map<String, String> notes) {
        Engine engine = Engine.getInstance();
        return new Provenance(
                SLIMKIT_VERSION,
                Engine.getDjlVersion(),
                engine.getEngineName() + " " + engine.getVersion(),
                System.getProperty("java.version"),
                seed,
                Instant.now().toString(),
                notes);
    }
}
