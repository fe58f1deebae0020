package dev.slimkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.StaticJavaParser;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.CallableDeclaration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Room sizes of the production code of every module, parsed with JavaParser: no file over 450
 * lines, no method or constructor over 60 (its declaration to its closing brace, javadoc not
 * counted), and the kernel extension's package under 1,500 lines in all.
 */
class SizeTest {

    static final int MAX_FILE_LINES = 450;
    static final int MAX_METHOD_LINES = 60;
    static final int MAX_KERNEL_LINES = 1500;
    static final List<Path> ROOTS = List.of(Path.of("main/java"), Path.of("../kernel-ext/src/main/java"),
            Path.of("../kernel-ext/spark/src/main/java"));

    @BeforeAll
    static void java17() {
        StaticJavaParser.getParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17);
    }

    static List<Path> sources() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path root : ROOTS) {
            assertTrue(Files.isDirectory(root), "source root " + root.toAbsolutePath() + " is missing");
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(p -> p.toString().endsWith(".java")).sorted().forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void noFileIsOverTheLimit() throws IOException {
        List<String> over = new ArrayList<>();
        for (Path p : sources()) {
            long lines = Files.readAllLines(p).size();
            if (lines > MAX_FILE_LINES) {
                over.add(p.normalize() + " " + lines);
            }
        }
        assertEquals(List.of(), over, "files over " + MAX_FILE_LINES + " lines");
    }

    @Test
    void noMethodIsOverTheLimit() throws IOException {
        List<String> over = new ArrayList<>();
        for (Path p : sources()) {
            CompilationUnit unit = StaticJavaParser.parse(p);
            for (CallableDeclaration<?> m : unit.findAll(CallableDeclaration.class)) {
                int begin = m.getName().getBegin().orElseThrow().line;
                int end = m.getEnd().orElseThrow().line;
                if (end - begin + 1 > MAX_METHOD_LINES) {
                    over.add(p.getFileName() + ":" + begin + " " + m.getNameAsString() + " " + (end - begin + 1));
                }
            }
        }
        assertEquals(List.of(), over, "methods over " + MAX_METHOD_LINES + " lines");
    }

    @Test
    void theKernelPackageStaysSmall() throws IOException {
        long total = 0;
        try (Stream<Path> files = Files.walk(Path.of("../kernel-ext/src/main/java/dev/slimkit/kernel"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                total += Files.readAllLines(p).size();
            }
        }
        assertTrue(total > 0 && total < MAX_KERNEL_LINES, "kernel-ext's dev/slimkit/kernel has " + total + " lines");
    }
}
