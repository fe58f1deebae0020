package dev.slimkit.bench;

import dev.slimkit.Slim;
import dev.slimkit.data.ImageData;
import dev.slimkit.measure.Latency;
import dev.slimkit.model.SlimModel;
import dev.slimkit.onnx.OnnxRunner;
import dev.slimkit.quant.QuantizeResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Int8 benchmark (run by {@code install/bench.sh quantize [epochs] [images]}): cnn-small and
 * resnet20 trained E epochs (default 4) on N Fashion-MNIST training images (default 12,000; a
 * tenth held out for validation), then quantized with min-max and with percentile calibration on
 * 512 training images. Per model and method: validation and test accuracy of the float and int8
 * models in ONNX Runtime, the ONNX file sizes, and the latency of both at batch 1 and 32 measured
 * interleaved in the same run (median and IQR of 60 rounds, the machine's threads), with the ratios;
 * and DJL's latency of the float model for reference. The CPU's int8 instructions are printed first.
 */
public final class QuantizeBench {

    private QuantizeBench() {}

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 12_000;
        System.out.printf(Locale.ROOT, "threads=%d  cpu int8 instructions: %s%n", Latency.threads(), int8Flags());
        ImageData data = Slim.data("fashion-mnist").limit(images).validationSplit(0.1, 0);
        System.out.printf(Locale.ROOT, "%-10s %-10s %8s %8s %8s %8s %9s %8s %8s %8s %8s %8s %8s %8s%n", "model",
                "method", "val fp32", "val int8", "test f32", "test i8", "Δ test pt", "file ×", "f32 b1", "i8 b1",
                "speed b1", "f32 b32", "i8 b32", "speed32");
        for (String arch : new String[] {"cnn-small", "resnet20"}) {
            try (SlimModel m = Slim.model(arch).data(data).build()) {
                Slim.train(m, data).epochs(epochs).measureLatency(false).run();
                double djl32 = Latency.measure(m, 32).medianMs();
                for (String method : new String[] {"minmax", "percentile"}) {
                    QuantizeResult r = Slim.quantize(m).data(data).method(method).run();
                    OnnxRunner.Latency f1 = r.latency(1, false);
                    OnnxRunner.Latency q1 = r.latency(1, true);
                    OnnxRunner.Latency f32 = r.latency(32, false);
                    OnnxRunner.Latency q32 = r.latency(32, true);
                    System.out.printf(Locale.ROOT, "%-10s %-10s %8.4f %8.4f %8.4f %8.4f %+9.2f %8.3f %8.3f %8.3f %7.2f× "
                            + "%8.3f %8.3f %7.2f×%n", arch, method, r.validationFp32(), r.validationInt8(), r.testFp32(),
                            r.testInt8(), 100 * (r.testInt8() - r.testFp32()), (double) r.int8Bytes() / r.fp32Bytes(),
                            f1.medianMs(), q1.medianMs(), f1.medianMs() / q1.medianMs(), f32.medianMs(),
                            q32.medianMs(), f32.medianMs() / q32.medianMs());
                    System.out.printf(Locale.ROOT, "           IQR ms: fp32 b1 %.3f, int8 b1 %.3f, fp32 b32 %.3f, int8"
                            + " b32 %.3f; DJL fp32 b32 %.3f ms; layers (weight / output SQNR dB): %s%n", f1.iqrMs(),
                            q1.iqrMs(), f32.iqrMs(), q32.iqrMs(), djl32, layers(r));
                }
            }
        }
    }

    private static String layers(QuantizeResult r) {
        StringBuilder s = new StringBuilder();
        for (QuantizeResult.Layer l : r.layers()) {
            s.append(String.format(Locale.ROOT, "%s %.1f/%.1f ", l.node(), l.weightSqnrDb(), l.outputSqnrDb()));
        }
        return s.toString().strip();
    }

    /** The int8 dot-product flags of the first CPU in /proc/cpuinfo (Linux), or "unknown". */
    static String int8Flags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    StringBuilder out = new StringBuilder();
                    for (String f : line.split("\\s+")) {
                        if (f.equals("avx512_vnni") || f.equals("avx_vnni") || f.equals("avx512bw") || f.equals("avx2")
                                || f.equals("amx_int8")) {
                            out.append(f).append(' ');
                        }
                    }
                    return out.length() == 0 ? "none" : out.toString().strip();
                }
            }
        } catch (java.io.IOException e) {
            return "unknown";
        }
        return "unknown";
    }
}
