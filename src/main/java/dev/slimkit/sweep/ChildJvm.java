package dev.slimkit.sweep;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JVM the sweep starts and follows: its standard output is the {@link SweepWire} line protocol,
 * its standard error goes to a log file, its standard input takes commands.
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** The java binary of this JVM. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Starts {@code main} with {@code classPath} and {@code options}, its standard error to {@code log}. */
    static ChildJvm start(String classPath, List<String> options, String main, List<String> args, Path log) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(options);
        command.add("-cp");
        command.add(classPath);
        command.add(main);
        command.addAll(args);
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new ChildJvm(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM for the sweep (" + main + "): " + e.getMessage(), e);
        }
    }

    /** The next line of its standard output, or null when it closed (it exited). */
    String readLine() throws IOException {
        return out.readLine();
    }

    /** Sends one command line; false when it has gone. */
    boolean send(String line) {
        try {
            in.write(line + "\n");
            in.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    Process process() {
        return process;
    }

    Path log() {
        return log;
    }

    /** The last line of its log that says something, for an error message. */
    String lastLogLine() {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i).strip();
                if (!l.isEmpty() && !l.startsWith("at ")) {
                    return l;
                }
            }
        } catch (IOException e) {
            // no log: say nothing more
        }
        return "see " + log;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
