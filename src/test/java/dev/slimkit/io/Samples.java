package dev.slimkit.io;

import dev.slimkit.Slim;
import dev.slimkit.model.SlimModel;
import dev.slimkit.model.History;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saved model files for the fuzz suite, each with the exact bits of the parameters it holds:
 * dense, masked (pruned), trimmed, residual and TorchScript models, and files of the same models as
 * an older slimkit wrote them (no checksums). Tiny models, so that each load takes milliseconds.
 */
final class Samples {

    /**
     * One saved file.
     *
     * @param kind what it holds, e.g. {@code masked}
     * @param bytes the file
     * @param bits each parameter's float bits, by path
     * @param checksummed whether the manifest holds checksums (false: as an older slimkit wrote it)
     * @param entries the file's entries, in file order (do not change the arrays)
     */
    record Sample(String kind, byte[] bytes, Map<String, int[]> bits, boolean checksummed, Map<String, byte[]> entries) {
        Sample {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public String toString() {
            return kind + " (" + bytes.length + " bytes)";
        }
    }

    private Samples() {}

    private static final class Holder {
        static final List<Sample> ALL = build();
    }

    /** Every sample, built once per JVM. */
    static List<Sample> all() {
        return Holder.ALL;
    }

    /** The samples that carry checksums. */
    static List<Sample> checksummed() {
        return all().stream().filter(Sample::checksummed).toList();
    }

    /** The samples as an older slimkit wrote them. */
    static List<Sample> unchecked() {
        return all().stream().filter(s -> !s.checksummed()).toList();
    }

    /** Each parameter's float bits, by path. */
    static Map<String, int[]> bits(SlimModel model) {
        Map<String, int[]> out = new LinkedHashMap<>();
        model.parameters().forEach((path, p) -> {
            float[] v = p.getArray().toFloatArray();
            int[] b = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                b[i] = Float.floatToRawIntBits(v[i]);
            }
            out.put(path, b);
        });
        return out;
    }

    /** The path at which two bit maps first differ, or null when they are equal. */
    static String firstDifference(Map<String, int[]> expected, Map<String, int[]> actual) {
        if (!expected.keySet().equals(actual.keySet())) {
            return "paths " + actual.keySet() + " instead of " + expected.keySet();
        }
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            if (!java.util.Arrays.equals(e.getValue(), actual.get(e.getKey()))) {
                return e.getKey();
            }
        }
        return null;
    }

    static Path torchScriptFixture(String name) {
        try {
            return Path.of(Samples.class.getResource("/torchscript/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Sample> build() {
        List<Sample> out = new ArrayList<>();
        try {
            Path dir = Files.createTempDirectory("slimkit-samples");
            try (SlimModel dense = SlimModel.create("mlp", 3, 0.25, 11)) {
                dense.history().addEpoch(new History.Epoch(1, 1.0, 0.5, 1.1, 0.45, 0.1, 0.5, 7));
                dense.history().addStep(new History.Step(7, 0.9));
                dense.history().addSeriesValue("sparsity", new History.Step(7, 0.25));
                add(out, "dense", dense, dir);
            }
            try (SlimModel masked = SlimModel.create("lenet5", 3, 0.25, 12)) {
                Slim.prune(masked).sparsity(0.7).measureLatency(false).run();
                add(out, "masked", masked, dir);
            }
            try (SlimModel cnn = SlimModel.create("cnn-small", 3, 0.25, 13);
                    SlimModel trimmed = Slim.trim(cnn).remove(0.5).cut()) {
                add(out, "trimmed", trimmed, dir);
            }
            try (SlimModel residual = SlimModel.create("resnet20", 3, 0.25, 14)) {
                add(out, "residual", residual, dir);
            }
            try (SlimModel ts = SlimModel.fromTorchScript("ts", torchScriptFixture("tiny_backbone.pt"),
                    new int[] {1, 28, 28}, 3, 15)) {
                add(out, "torchscript", ts, dir);
            }
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(out);
    }

    private static void add(List<Sample> out, String kind, SlimModel model, Path dir) throws IOException {
        Path file = dir.resolve(kind + ".slim");
        ModelIO.save(model, file);
        byte[] bytes = Files.readAllBytes(file);
        Map<String, int[]> bits = bits(model);
        out.add(new Sample(kind, bytes, bits, true, Zips.entries(bytes)));
        byte[] old = Zips.withoutChecksums(bytes);
        out.add(new Sample(kind + " (no checksums)", old, bits, false, Zips.entries(old)));
    }
}
