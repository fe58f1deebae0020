package dev.slimkit.measure;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the PyTorch engine of this JVM runs on: the libtorch build DJL loaded (version, flavor such
 * as {@code cpu} or {@code cu124}, folder), whether that build has CUDA kernels, the GPUs DJL can use
 * (name, memory, compute capability), the device new models land on, the GPUs {@code nvidia-smi}
 * sees, and a one-line warning when {@code nvidia-smi} sees a GPU but DJL reports none.
 *
 * <p>DJL names the flavor only inside {@code LibUtils} (it is not public API): {@link #current()}
 * reads it there by reflection and falls back to {@code PYTORCH_FLAVOR} or the native jar's own
 * flavor when that fails. Whether the build has CUDA is read from the libtorch folder itself
 * ({@code libtorch_cuda.so}), not from the flavor's name.
 *
 * @param libtorchVersion libtorch version DJL loaded, e.g. {@code 2.7.1}
 * @param flavor libtorch flavor, e.g. {@code cpu} or {@code cu124}
 * @param libtorchPath folder the libraries were loaded from
 * @param cudaBuild true when that folder holds a CUDA build ({@code libtorch_cuda.so})
 * @param defaultDevice the device DJL creates models on, e.g. {@code cpu()} or {@code gpu(0)}
 * @param gpus the GPUs DJL reports (empty on a CPU build or without a usable GPU)
 * @param nvidiaSmi the GPUs {@code nvidia-smi} lists, one "name, memory" entry each (empty when
 *     it is absent or lists none)
 * @param cudaRuntime the CUDA runtime library JNA resolves for DJL's GPU count, or null when none
 *     resolves (only looked up for a CUDA build, where DJL uses it)
 * @param warning one line naming why DJL sees no GPU although {@code nvidia-smi} does, or null
 */
public record Devices(
        String libtorchVersion,
        String flavor,
        String libtorchPath,
        boolean cudaBuild,
        String defaultDevice,
        List<Gpu> gpus,
        List<String> nvidiaSmi,
        String cudaRuntime,
        String warning) {

    /**
     * One GPU as DJL reports it.
     *
     * @param id CUDA device index
     * @param name the name {@code nvidia-smi} gives it, or {@code GPU <id>} without nvidia-smi
     * @param totalBytes memory size, -1 when DJL could not read it
     * @param usedBytes memory in use (by any process), -1 when DJL could not read it
     * @param computeCapability e.g. {@code 90}, empty when DJL could not read it
     */
    public record Gpu(int id, String name, long totalBytes, long usedBytes, String computeCapability) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "gpu(%d): %s, %s total, %s used, compute capability %s",
                    id, name, gib(totalBytes), gib(usedBytes),
                    computeCapability.isEmpty() ? "?" : computeCapability);
        }
    }

    public Devices {
        gpus = List.copyOf(gpus);
        nvidiaSmi = List.copyOf(nvidiaSmi);
    }

    /** Number of GPUs DJL can use. */
    public int gpuCount() {
        return gpus.size();
    }

    /**
     * Queries the engine (loading it if needed), DJL's CUDA utilities and {@code nvidia-smi}
     * (at most 10 s).
     */
    public static Devices current() {
        Engine engine = Engine.getInstance();
        String version = engine.getVersion();
        String path = LibUtils.getLibtorchPath();
        boolean cudaBuild = Files.exists(Path.of(path, "libtorch_cuda.so"));
        List<String> smi = parseNvidiaSmi(runNvidiaSmi());
        List<Gpu> gpus = new ArrayList<>();
        int count = engine.getGpuCount();
        for (int i = 0; i < count; i++) {
            gpus.add(gpu(i, i < smi.size() ? smi.get(i) : null));
        }
        String cudart = cudaBuild ? resolveCudaRuntime() : null;
        String flavor = loadedFlavor();
        return new Devices(version, flavor, path, cudaBuild, engine.defaultDevice().toString(), gpus, smi,
                cudart, warning(smi.size(), count, cudaBuild, flavor, cudart));
    }

    /**
     * The warning for {@code nvidia-smi} seeing {@code smiGpus} GPUs while DJL reports {@code
     * djlGpus}: null unless it sees some and DJL none; otherwise one line with the likeliest cause
     * (a CPU build of libtorch, no plain {@code libcudart.so} on JNA's path, or a CUDA runtime that
     * finds no usable device).
     *
     * @param cudaBuild whether the loaded libtorch has CUDA kernels
     * @param flavor the loaded flavor, for the message
     * @param cudaRuntime the runtime JNA resolves, or null when none does
     */
    public static String warning(int smiGpus, int djlGpus, boolean cudaBuild, String flavor, String cudaRuntime) {
        if (smiGpus < 1 || djlGpus > 0) {
            return null;
        }
        String seen = "nvidia-smi sees " + smiGpus + (smiGpus == 1 ? " GPU" : " GPUs") + " but DJL reports none: ";
        if (!cudaBuild) {
            return seen + "this JVM runs a CPU build of libtorch (flavor " + flavor
                    + "); run install/gpu.sh and use the \"Java (slimkit, GPU)\" kernel";
        }
        if (cudaRuntime == null) {
            return seen + "no plain libcudart.so on JNA's path (jna.library.path), so DJL counts no GPU and runs on the"
                    + " CPU; run install/gpu.sh and use the \"Java (slimkit, GPU)\" kernel";
        }
        return seen + "the CUDA runtime " + cudaRuntime + " finds no usable device (a driver older than " + flavor
                + " needs, or CUDA_VISIBLE_DEVICES hiding them)";
    }

    /**
     * Parses {@code nvidia-smi --query-gpu=name,memory.total --format=csv,noheader}: one entry per
     * non-blank line; none for null (no nvidia-smi) or output that is an error message.
     */
    static List<String> parseNvidiaSmi(String output) {
        List<String> out = new ArrayList<>();
        if (output == null) {
            return out;
        }
        for (String line : output.split("\\R")) {
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            if (!l.contains(",")) {
                return new ArrayList<>(); // e.g. "NVIDIA-SMI has failed because it couldn't communicate with the driver"
            }
            out.add(l);
        }
        return out;
    }

    /** Several lines: the build, the default device, each GPU, nvidia-smi's view, then the warning. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("libtorch ").append(libtorchVersion).append(" (").append(flavor)
                .append(cudaBuild ? ", CUDA build" : ", CPU build").append(") from ").append(libtorchPath)
                .append(", DJL ").append(Engine.getDjlVersion()).append('\n');
        sb.append("default device ").append(defaultDevice).append(", GPUs: ").append(gpus.size()).append('\n');
        for (Gpu g : gpus) {
            sb.append("  ").append(g).append('\n');
        }
        sb.append("nvidia-smi: ").append(nvidiaSmi.isEmpty() ? "no GPU listed (or not installed)" : String.join("; ", nvidiaSmi))
                .append('\n');
        if (cudaBuild) {
            sb.append("CUDA runtime for DJL's GPU count: ").append(cudaRuntime == null ? "none found" : cudaRuntime)
                    .append('\n');
        }
        if (warning != null) {
            sb.append("warning: ").append(warning).append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return summary();
    }

    /** Prints {@link #summary()}: {@code java -cp ... dev.slimkit.measure.Devices}. */
    public static void main(String[] args) {
        System.out.print(current().summary());
    }

    private static Gpu gpu(int id, String smiEntry) {
        String name = smiEntry == null ? "GPU " + id : smiEntry.substring(0, smiEntry.indexOf(',')).strip();
        long total = -1;
        long used = -1;
        String cc = "";
        try {
            MemoryUsage mem = CudaUtils.getGpuMemory(Device.gpu(id));
            total = mem.getMax();
            used = mem.getUsed();
            cc = CudaUtils.getComputeCapability(id);
        } catch (RuntimeException e) {
            // leave the unknowns as they are; the count itself came from DJL
        }
        return new Gpu(id, name, total, used, cc);
    }

    /** The flavor DJL's LibUtils recorded when it loaded libtorch. */
    private static String loadedFlavor() {
        try {
            Field field = LibUtils.class.getDeclaredField("libTorch");
            field.setAccessible(true);
            Object libTorch = field.get(null);
            Field flavor = libTorch.getClass().getDeclaredField("flavor");
            flavor.setAccessible(true);
            return (String) flavor.get(libTorch);
        } catch (ReflectiveOperationException | RuntimeException e) {
            String env = System.getenv("PYTORCH_FLAVOR");
            return env != null ? env : ai.djl.util.Platform.detectPlatform("pytorch").getFlavor();
        }
    }

    /** The file JNA resolves for "cudart" (as DJL's CudaUtils loads it), or null. */
    private static String resolveCudaRuntime() {
        try {
            com.sun.jna.NativeLibrary lib = com.sun.jna.NativeLibrary.getInstance("cudart");
            return lib.getFile() != null ? lib.getFile().getPath() : lib.getName();
        } catch (UnsatisfiedLinkError e) {
            return null;
        }
    }

    private static String runNvidiaSmi() {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader")
                    .redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null; // not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String gib(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
