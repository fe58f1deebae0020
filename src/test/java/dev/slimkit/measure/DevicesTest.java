package dev.slimkit.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevicesTest {

    @Test
    void cpuBuildReportsCpuFlavorAndNoGpu() {
        assumeTrue(System.getenv("PYTORCH_LIBRARY_PATH") == null,
                "runs with the pytorch-native-cpu jar, not an override such as install/gpu.sh's");
        Devices d = Devices.current();
        assertEquals("cpu", d.flavor());
        assertFalse(d.cudaBuild());
        assertEquals(0, d.gpuCount());
        assertEquals("cpu()", d.defaultDevice());
        assertTrue(d.libtorchVersion().startsWith("2.7.1"), d.libtorchVersion());
        assertTrue(new File(d.libtorchPath(), "libtorch_cpu.so").isFile(), d.libtorchPath());
        assertNull(d.cudaRuntime(), "the runtime is only looked up for a CUDA build");
        String summary = d.summary();
        assertTrue(summary.startsWith("libtorch " + d.libtorchVersion() + " (cpu, CPU build) from "), summary);
        assertTrue(summary.contains("default device cpu(), GPUs: 0"), summary);
    }

    @Test
    void noWarningWithoutNvidiaSmi() {
        assumeTrue(!onPath("nvidia-smi"), "this machine has nvidia-smi");
        Devices d = Devices.current();
        assertEquals(List.of(), d.nvidiaSmi());
        assertNull(d.warning());
        assertFalse(d.summary().contains("warning"), d.summary());
    }

    @Test
    void warnsOnlyWhenNvidiaSmiSeesWhatDjlDoesNot() {
        assertNull(Devices.warning(0, 0, false, "cpu", null));
        assertNull(Devices.warning(0, 0, true, "cu124", null));
        assertNull(Devices.warning(1, 1, true, "cu124", "/x/libcudart.so"));
        assertNull(Devices.warning(2, 1, true, "cu124", "/x/libcudart.so"));
    }

    @Test
    void warningNamesTheCause() {
        String cpu = Devices.warning(2, 0, false, "cpu", null);
        assertEquals("nvidia-smi sees 2 GPUs but DJL reports none: this JVM runs a CPU build of libtorch (flavor cpu);"
                + " run install/gpu.sh and use the \"Java (slimkit, GPU)\" kernel", cpu);
        String noCudart = Devices.warning(1, 0, true, "cu124", null);
        assertTrue(noCudart.startsWith("nvidia-smi sees 1 GPU but DJL reports none: no plain libcudart.so on JNA's"
                + " path (jna.library.path)"), noCudart);
        String noDevice = Devices.warning(1, 0, true, "cu124", "/opt/cu/libcudart.so");
        assertTrue(noDevice.contains("the CUDA runtime /opt/cu/libcudart.so finds no usable device"), noDevice);
        assertTrue(noDevice.contains("driver older than cu124"), noDevice);
        for (String w : List.of(cpu, noCudart, noDevice)) {
            assertFalse(w.contains("\n"), "one line: " + w);
        }
    }

    @Test
    void parsesNvidiaSmiCsv() {
        assertEquals(List.of(), Devices.parseNvidiaSmi(null));
        assertEquals(List.of(), Devices.parseNvidiaSmi(""));
        assertEquals(List.of("NVIDIA H200, 143771 MiB", "NVIDIA H200, 143771 MiB"),
                Devices.parseNvidiaSmi("NVIDIA H200, 143771 MiB\nNVIDIA H200, 143771 MiB\n"));
        assertEquals(List.of(), Devices.parseNvidiaSmi(
                "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n"));
        int seen = Devices.parseNvidiaSmi("Tesla T4, 15360 MiB\n").size();
        assertTrue(Devices.warning(seen, 0, false, "cpu", null).startsWith("nvidia-smi sees 1 GPU but DJL reports none"));
    }

    @Test
    void gpuLineShowsMemoryAndCapability() {
        Devices.Gpu g = new Devices.Gpu(0, "NVIDIA H200", 150L * 1024 * 1024 * 1024, 512L * 1024 * 1024, "90");
        assertEquals("gpu(0): NVIDIA H200, 150.0 GiB total, 0.5 GiB used, compute capability 90", g.toString());
        assertEquals("gpu(1): GPU 1, ? total, ? used, compute capability ?", new Devices.Gpu(1, "GPU 1", -1, -1, "").toString());
    }

    private static boolean onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, exe).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
