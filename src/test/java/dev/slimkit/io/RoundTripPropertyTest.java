package dev.slimkit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.slimkit.Slim;
import dev.slimkit.model.Architectures;
import dev.slimkit.model.SlimModel;
import dev.slimkit.model.History;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Save, load and save again gives byte-identical files, and the loaded model bit-identical
 * parameters, for every architecture, dense, pruned (masked, sparse on disk) and trimmed, and for
 * TorchScript models.
 */
class RoundTripPropertyTest {

    enum Variant { DENSE, PRUNED, TRIMMED, PRUNED_AND_TRIMMED }

    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("slimkit-roundtrip");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        try (var files = Files.list(DIR)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(DIR);
    }

    /** Saves, loads and saves again; checks the bytes and the parameters. */
    static void roundTrip(SlimModel model, String notes) throws IOException {
        Path first = DIR.resolve("first.slim");
        Path second = DIR.resolve("second.slim");
        ModelIO.save(model, first, notes.isEmpty() ? Map.of() : Map.of("recipe", notes, "by", "test"));
        Map<String, int[]> bits = Samples.bits(model);
        try (SlimModel back = ModelIO.load(first)) {
            assertNull(Samples.firstDifference(bits, Samples.bits(back)), "loaded parameters differ");
            assertEquals(model.spec(), back.spec());
            assertEquals(model.mask().map(m -> m.paths()), back.mask().map(m -> m.paths()));
            ModelIO.save(back, second);
        }
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second), "save, load, save: other bytes");
    }

    static SlimModel make(String arch, Variant variant, long seed, double sparsity, double channels) {
        SlimModel model = SlimModel.create(arch, 3, 0.25, seed);
        model.history().addEpoch(new History.Epoch(1, 1.0 + seed, 0.5, Double.NaN, Double.NaN, 0.1, 0.25, 3));
        model.history().addStep(new History.Step(3, 0.75));
        if (variant == Variant.PRUNED || variant == Variant.PRUNED_AND_TRIMMED) {
            prune(model, sparsity);
        }
        if (variant == Variant.TRIMMED || variant == Variant.PRUNED_AND_TRIMMED) {
            SlimModel trimmed = Slim.trim(model).remove(channels).cut();
            model.close();
            model = trimmed;
        }
        return model;
    }

    /**
     * Masks the smallest {@code sparsity} of each weight matrix or kernel, as magnitude pruning
     * does (a 0/1 mask multiplied in: negative weights become -0.0), without PruneStep's
     * measuring, so that a try takes milliseconds.
     */
    static void prune(SlimModel model, double sparsity) {
        Map<String, boolean[]> keep = new java.util.LinkedHashMap<>();
        model.parameters().forEach((path, p) -> {
            if (path.endsWith(".weight") && p.getArray().getShape().dimension() >= 2) {
                float[] w = p.getArray().toFloatArray();
                float[] sorted = new float[w.length];
                for (int i = 0; i < w.length; i++) {
                    sorted[i] = Math.abs(w[i]);
                }
                java.util.Arrays.sort(sorted);
                float threshold = sorted[Math.min(w.length - 1, (int) (sparsity * w.length))];
                boolean[] k = new boolean[w.length];
                for (int i = 0; i < w.length; i++) {
                    k[i] = Math.abs(w[i]) > threshold;
                }
                keep.put(path, k);
            }
        });
        model.setMask(new dev.slimkit.model.WeightMask(model, keep));
    }

    /** Every architecture in every variant, once each (pruned by the real step). */
    @Example
    void everyArchitectureAndVariant() throws IOException {
        for (String arch : Architectures.NAMES) {
            for (Variant v : Variant.values()) {
                try (SlimModel m = make(arch, v == Variant.PRUNED ? Variant.DENSE : v, 1, 0.8, 0.5)) {
                    if (v == Variant.PRUNED) {
                        Slim.prune(m).sparsity(0.8).measureLatency(false).run();
                    }
                    roundTrip(m, "");
                }
            }
        }
    }

    /**
     * Architecture and variant; resnet20 is trimmed only in {@link #everyArchitectureAndVariant}
     * (trimming it checks equivalence with forward passes: about a second a try).
     */
    @Provide
    Arbitrary<net.jqwik.api.Tuple.Tuple2<String, Variant>> models() {
        return Arbitraries.of(Architectures.NAMES).flatMap(arch -> Arbitraries.of(Variant.values())
                .filter(v -> !arch.equals("resnet20") || v == Variant.DENSE || v == Variant.PRUNED)
                .map(v -> net.jqwik.api.Tuple.of(arch, v)));
    }

    @Property(tries = 150)
    void saveLoadSaveIsByteIdentical(@ForAll("models") net.jqwik.api.Tuple.Tuple2<String, Variant> model,
            @ForAll @IntRange(min = 0, max = 100_000) int seed,
            @ForAll @DoubleRange(min = 0.05, max = 0.95) double sparsity,
            @ForAll @DoubleRange(min = 0.1, max = 0.75) double channels,
            @ForAll("notes") String notes) throws IOException {
        try (SlimModel m = make(model.get1(), model.get2(), seed, sparsity, channels)) {
            roundTrip(m, notes);
        }
        Statistics.collect(model.get1(), model.get2());
    }

    @Provide
    Arbitrary<String> notes() {
        return Arbitraries.oneOf(Arbitraries.just(""), Arbitraries.strings().ofMinLength(1).ofMaxLength(12));
    }

    @Property(tries = 20)
    void torchScriptModelsRoundTripToTheSameBytes(@ForAll boolean backbone, @ForAll boolean pruned,
            @ForAll @DoubleRange(min = 0.05, max = 0.95) double sparsity, @ForAll @IntRange(min = 0, max = 1000) int seed)
            throws IOException {
        Path fixture = Samples.torchScriptFixture(backbone ? "tiny_backbone.pt" : "tiny_classifier.pt");
        try (SlimModel m = SlimModel.fromTorchScript("ts", fixture, new int[] {1, 28, 28}, backbone ? 4 : 0, seed)) {
            if (pruned) {
                prune(m, sparsity);
            }
            roundTrip(m, "");
        }
        Statistics.collect(backbone ? "backbone" : "classifier", pruned ? "pruned" : "dense");
    }
}
