package dev.slimkit.measure;

import dev.slimkit.model.SlimModel;
import dev.slimkit.onnx.OnnxExport;
import dev.slimkit.onnx.OnnxRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times models in ONNX Runtime for a comparison: each model is exported in memory, checked against slimkit
 * (the same check as an export, on 8 seeded images), opened with DJL's intra-op thread count and measured
 * interleaved at batch 1 and 32. A model that cannot be exported (a TorchScript layer) or whose export
 * disagrees gets a row of NaN with the reason.
 */
final class OnnxLatency {

    private OnnxLatency() {}

    static List<RuntimeRow> measure(List<SlimModel> models) {
        List<OnnxRunner> runners = new ArrayList<>();
        List<Integer> timed = new ArrayList<>();
        String[] notes = new String[models.size()];
        try {
            for (int i = 0; i < models.size(); i++) {
                SlimModel m = models.get(i);
                try {
                    byte[] bytes = OnnxExport.toBytes(m);
                    double diff = OnnxExport.checkOnRandomImages(m, bytes, 8);
                    if (!(diff <= OnnxExport.TOLERANCE)) {
                        notes[i] = String.format(Locale.ROOT, "export disagrees with slimkit (max |Δ| %.2e)", diff);
                        continue;
                    }
                    notes[i] = String.format(Locale.ROOT, "export checked: max |Δ| %.1e", diff);
                    runners.add(new OnnxRunner(bytes, Latency.threads()));
                    timed.add(i);
                } catch (IllegalArgumentException e) {
                    notes[i] = "not timed: " + e.getMessage();
                }
            }
            List<OnnxRunner.Latency> b1 = List.of();
            List<OnnxRunner.Latency> b32 = List.of();
            if (!runners.isEmpty()) {
                int[] shape = {models.get(0).spec().channels(), models.get(0).spec().height(), models.get(0).spec().width()};
                b1 = OnnxRunner.measureInterleaved(runners, 1, shape, Latency.DEFAULT_WARMUP, Latency.DEFAULT_RUNS);
                b32 = OnnxRunner.measureInterleaved(runners, 32, shape, Latency.DEFAULT_WARMUP, Latency.DEFAULT_RUNS);
            }
            List<RuntimeRow> out = new ArrayList<>();
            for (int i = 0; i < models.size(); i++) {
                int k = timed.indexOf(i);
                out.add(k < 0 ? new RuntimeRow(models.get(i).name(), "ONNX Runtime", Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN, notes[i])
                        : new RuntimeRow(models.get(i).name(), "ONNX Runtime", b1.get(k).medianMs(), b1.get(k).iqrMs(),
                                b32.get(k).medianMs(), b32.get(k).iqrMs(), notes[i]));
            }
            return out;
        } finally {
            runners.forEach(OnnxRunner::close);
        }
    }
}
