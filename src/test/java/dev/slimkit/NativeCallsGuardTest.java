package dev.slimkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Guards the GPU kernelspec (install/gpu.sh): it runs DJL 0.36 on the cu124 JNI of
 * {@code pytorch-jni:2.5.1-0.33.0}, which lacks two natives that 0.36 added, {@code torchQuantile}
 * and {@code torchDiagonal}; calling them there throws {@code UnsatisfiedLinkError}. This test
 * reads the constant pool of every compiled slimkit class (core, and the kernel module's classes
 * when they are built) and fails on any method reference that reaches them: {@code
 * percentile}/{@code diagonal} on a DJL class (NDArray, PtNDArray, JniUtils, ...) or the natives
 * themselves on {@code PyTorchLibrary}.
 */
class NativeCallsGuardTest {

    private static final Set<String> DJL_METHODS = Set.of("percentile", "diagonal");
    private static final Set<String> NATIVES = Set.of("torchQuantile", "torchDiagonal");

    @Test
    void slimkitCallsNoNativeTheCu124JniLacks() throws IOException {
        Path core = classesDir(Slim.class);
        List<Path> dirs = new ArrayList<>(List.of(core));
        Path kernel = core.resolve("../../../kernel-ext/target/classes").normalize();
        if (Files.isDirectory(kernel)) {
            dirs.add(kernel);
        }
        List<String> found = new ArrayList<>();
        int classes = 0;
        Set<String> allRefs = new TreeSet<>();
        for (Path dir : dirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                    classes++;
                    List<String> refs = methodRefs(Files.readAllBytes(f));
                    allRefs.addAll(refs);
                    for (String r : refs) {
                        if (forbidden(r)) {
                            found.add(dir.relativize(f) + " calls " + r);
                        }
                    }
                }
            }
        }
        assertTrue(classes > 50, "scanned only " + classes + " classes in " + dirs);
        // the scan sees real calls: slimkit does copy arrays to the host somewhere
        assertTrue(allRefs.contains("ai/djl/ndarray/NDArray.toFloatArray"), "no NDArray call seen; scanner broken?");
        assertEquals(List.of(), found, "natives missing from the cu124 JNI of pytorch-jni 2.5.1-0.33.0");
    }

    @Test
    void scannerFlagsTheFixture() throws IOException, URISyntaxException {
        Path f = classesDir(NativeGuardFixture.class).resolve("dev/slimkit/NativeGuardFixture.class");
        List<String> hits = methodRefs(Files.readAllBytes(f)).stream().filter(NativeCallsGuardTest::forbidden).sorted().toList();
        assertEquals(List.of("ai/djl/ndarray/NDArray.diagonal", "ai/djl/ndarray/NDArray.percentile"), hits);
    }

    static boolean forbidden(String ref) {
        int dot = ref.lastIndexOf('.');
        String owner = ref.substring(0, dot);
        String name = ref.substring(dot + 1);
        return (owner.startsWith("ai/djl/") && DJL_METHODS.contains(name))
                || (owner.equals("ai/djl/pytorch/jni/PyTorchLibrary") && NATIVES.contains(name));
    }

    private static Path classesDir(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every Methodref / InterfaceMethodref of a class file, as {@code owner/Class.method}. */
    static List<String> methodRefs(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] classNameIndex = new int[count];
        int[][] nameAndType = new int[count][];
        List<int[]> refs = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++;
                }
                case 7 -> classNameIndex[i] = in.readUnsignedShort();
                case 8, 16, 19, 20 -> in.readUnsignedShort();
                case 9 -> in.readInt();
                case 10, 11 -> refs.add(new int[] {in.readUnsignedShort(), in.readUnsignedShort()});
                case 12 -> nameAndType[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                case 17, 18 -> in.readInt();
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        List<String> out = new ArrayList<>();
        for (int[] r : refs) {
            out.add(utf8[classNameIndex[r[0]]] + "." + utf8[nameAndType[r[1]][0]]);
        }
        return out;
    }
}
