package dev.slimkit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.io.Samples.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Damaged and forged model files: whatever is done to a saved file, {@link ModelIO#load} either
 * returns a model whose parameters are bit-identical to the saved ones, or throws one {@link
 * ModelFileException} whose message is one line naming the file; never another exception, an
 * {@link OutOfMemoryError} or a load that takes over 2 seconds (a native crash would end the run).
 * Files without checksums (as an older slimkit wrote them) that a forger rewrote entry by entry
 * may load as another model (nothing can tell), but still only with that one error otherwise.
 */
class ModelFileFuzzTest {

    private static final long HANG_MS = 2000;
    private static ExecutorService loader = newLoader();
    private static final java.util.concurrent.atomic.AtomicLong CASES = new java.util.concurrent.atomic.AtomicLong();

    private static ExecutorService newLoader() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-loader");
            t.setDaemon(true);
            return t;
        });
    }
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("slimkit-fuzz");
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

    enum Outcome { IDENTICAL, OTHER_MODEL, REJECTED }

    /** The message of the last rejection, for assertion messages. */
    private static String lastRejection;

    /**
     * Loads {@code bytes} and checks the contract; returns what happened. {@code exact}: a model
     * that loads must be bit-identical to {@code sample}'s.
     */
    static Outcome load(Sample sample, byte[] bytes, boolean exact) throws Exception {
        // A file of its own: a load that overran must not see the next case's bytes.
        Path file = DIR.resolve("case-" + CASES.incrementAndGet() + ".slim");
        Files.write(file, bytes);
        Future<Object> result = loader.submit(() -> {
            try (var model = ModelIO.load(file)) {
                String diff = Samples.firstDifference(sample.bits(), Samples.bits(model));
                return diff == null ? Outcome.IDENTICAL : diff;
            } catch (ModelFileException e) {
                return e;
            }
        });
        Object r;
        try {
            r = result.get(HANG_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            loader.shutdownNow();
            loader = newLoader(); // the next case (and shrinking) must not queue behind this one
            throw new AssertionError("load of a damaged " + sample + " hung for more than " + HANG_MS + " ms");
        } catch (ExecutionException e) {
            throw new AssertionError("load of a damaged " + sample + " threw " + e.getCause(), e.getCause());
        }
        Files.deleteIfExists(file);
        if (r instanceof ModelFileException e) {
            String m = e.getMessage();
            assertTrue(!m.contains("\n") && !m.contains("\r"), "one line: " + m);
            assertTrue(m.contains("[" + file + "]"), "names the file: " + m);
            lastRejection = m;
            return Outcome.REJECTED;
        }
        if (r == Outcome.IDENTICAL) {
            return Outcome.IDENTICAL;
        }
        if (exact) {
            throw new AssertionError("a damaged " + sample + " loaded with other values at [" + r + "]");
        }
        return Outcome.OTHER_MODEL;
    }

    @Provide
    Arbitrary<Sample> samples() {
        return Arbitraries.of(Samples.all());
    }

    @Provide
    Arbitrary<Sample> checksummed() {
        return Arbitraries.of(Samples.checksummed());
    }

    @Provide
    Arbitrary<Sample> unchecked() {
        return Arbitraries.of(Samples.unchecked());
    }

    /** 1 to 3 flips: where in the file (0..1) and which bits (1..255). */
    @Provide
    Arbitrary<List<double[]>> flips() {
        return Combinators.combine(Arbitraries.doubles().between(0, 1).ofScale(6), Arbitraries.integers().between(1, 255))
                .as((at, mask) -> new double[] {at, mask})
                .list().ofMinSize(1).ofMaxSize(3);
    }

    // ---------------------------------------------------------------- raw damage

    @Property(tries = 2000)
    void aTruncatedFileIsRejected(@ForAll("samples") Sample sample,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double at) throws Exception {
        int cut = (int) (at * sample.bytes().length);
        Outcome o = load(sample, java.util.Arrays.copyOf(sample.bytes(), cut), true);
        Statistics.collect(o);
        assertEquals(Outcome.REJECTED, o, "a strict prefix of a zip has no directory");
    }

    @Property(tries = 3000)
    void flippedBytesLoadTheSameModelOrAreRejected(@ForAll("samples") Sample sample,
            @ForAll("flips") List<double[]> flips) throws Exception {
        byte[] bytes = sample.bytes().clone();
        for (double[] f : flips) {
            int at = Math.min(bytes.length - 1, (int) (f[0] * bytes.length));
            bytes[at] ^= (byte) f[1];
        }
        // Zip CRCs (and the checksums, where present) catch every flip in what the entries hold.
        Statistics.collect(sample.kind(), load(sample, bytes, true));
    }

    // ---------------------------------------------------------------- a forger's edits: entries rewritten

    enum Edit { SWAP_CONTENTS, REORDER, TRANSPLANT, DROP, DUPLICATE_UNDER_OTHER_NAME, TRUNCATE_ENTRY, FLIP_IN_ENTRY }

    @Property(tries = 2000)
    void rewrittenEntriesLoadTheSameModelOrAreRejected(@ForAll("samples") Sample sample, @ForAll Edit edit,
            @ForAll @IntRange(min = 0, max = 1000) int a, @ForAll @IntRange(min = 0, max = 1000) int b,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double at, @ForAll("samples") Sample other)
            throws Exception {
        Map<String, byte[]> entries = sample.entries();
        List<String> names = new ArrayList<>(entries.keySet());
        String first = names.get(a % names.size());
        String second = names.get(b % names.size());
        Map<String, byte[]> edited = new LinkedHashMap<>(entries);
        // What a forger who leaves the checksums alone can do to each entry.
        switch (edit) {
            case SWAP_CONTENTS -> {
                edited.put(first, entries.get(second));
                edited.put(second, entries.get(first));
            }
            case REORDER -> {
                List<String> order = new ArrayList<>(names);
                java.util.Collections.rotate(order, a % names.size());
                java.util.Collections.swap(order, a % order.size(), b % order.size());
                edited = new LinkedHashMap<>();
                for (String n : order) {
                    edited.put(n, entries.get(n));
                }
            }
            case TRANSPLANT -> {
                Map<String, byte[]> theirs = other.entries();
                List<String> theirNames = new ArrayList<>(theirs.keySet());
                String taken = theirNames.get(b % theirNames.size());
                edited.put(taken, theirs.get(taken));
            }
            case DROP -> edited.remove(first);
            case DUPLICATE_UNDER_OTHER_NAME -> edited.put(second, entries.get(first));
            case TRUNCATE_ENTRY -> {
                byte[] e = entries.get(first);
                edited.put(first, java.util.Arrays.copyOf(e, (int) (at * e.length)));
            }
            case FLIP_IN_ENTRY -> {
                byte[] e = entries.get(first).clone();
                if (e.length > 0) {
                    e[Math.min(e.length - 1, (int) (at * e.length))] ^= (byte) (1 + b % 255);
                }
                edited.put(first, e);
            }
        }
        boolean manifestOnly = edit == Edit.REORDER
                || (edit == Edit.SWAP_CONTENTS && first.equals(second))
                || (edit == Edit.DUPLICATE_UNDER_OTHER_NAME && first.equals(second));
        Outcome o = load(sample, Zips.zip(edited), sample.checksummed() || manifestOnly);
        if (edit == Edit.REORDER || manifestOnly) {
            assertEquals(Outcome.IDENTICAL, o, () -> "the same entries in another order are the same model: " + lastRejection);
        }
        Statistics.collect(edit, sample.checksummed() ? "checksummed" : "no checksums", o);
    }

    /**
     * A damaged TorchScript module in a file without checksums: checked record by record before
     * PyTorch's own loader sees it, it must give a model or the one error, never a crash of the
     * process or a load over 2 s (before that check, one flip in its pickle took PyTorch 1.5 s).
     */
    @Property(tries = 2000)
    void aForgedTorchScriptModuleIsLoadedOrRejected(@ForAll("flips") List<double[]> flips,
            @ForAll boolean truncate, @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double at)
            throws Exception {
        Sample sample = Samples.unchecked().stream().filter(s -> s.kind().startsWith("torchscript")).findFirst().orElseThrow();
        String name = sample.entries().keySet().stream().filter(n -> n.endsWith(".pt")).findFirst().orElseThrow();
        byte[] module = sample.entries().get(name).clone();
        for (double[] f : flips) {
            int i = Math.min(module.length - 1, (int) (f[0] * module.length));
            module[i] ^= (byte) f[1];
        }
        if (truncate) {
            module = java.util.Arrays.copyOf(module, (int) (at * module.length));
        }
        Map<String, byte[]> edited = new LinkedHashMap<>(sample.entries());
        edited.put(name, module);
        Statistics.collect(truncate ? "truncated" : "flipped", load(sample, Zips.zip(edited), false));
    }
}
