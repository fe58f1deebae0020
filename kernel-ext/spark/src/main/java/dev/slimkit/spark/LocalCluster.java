package dev.slimkit.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark standalone cluster on 127.0.0.1 made of Spark's own {@code Master} and {@code Worker}
 * classes (in spark-core) started from this JVM's class path: no Spark distribution, nothing
 * downloaded. Each worker offers one core, so each runs one executor with one task slot. A worker
 * builds its executors' class path from {@code SPARK_HOME/jars}; here that folder holds links to
 * the Maven jars of this class path. Everything (state, logs, the workers' work folders) lives in
 * one folder; the processes outlive the JVM that started them until {@link #stop}.
 *
 * <p>{@code LocalCluster start N DIR | stop DIR | status DIR} is what install/spark-local.sh runs.
 */
public final class LocalCluster implements AutoCloseable {

    private final Path dir;
    private final String url;
    private final List<ProcessHandle> processes;

    private LocalCluster(Path dir, String url, List<ProcessHandle> processes) {
        this.dir = dir;
        this.url = url;
        this.processes = List.copyOf(processes);
    }

    /** The master's URL, {@code spark://127.0.0.1:PORT}. */
    public String url() {
        return url;
    }

    /** The folder holding the logs (master.log, worker-N.log, and each executor's under work-N/). */
    public Path logs() {
        return dir;
    }

    /**
     * Starts a master and {@code workers} one-core workers in {@code dir} and waits until every
     * worker has registered.
     *
     * @throws IllegalStateException naming the log when a process does not come up in a minute
     */
    public static LocalCluster start(int workers, Path dir) {
        try {
            return start(workers, dir, port());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Starts a cluster whose master listens on {@code masterPort} (0: any free port, what tests use).
     *
     * @throws IllegalStateException when that port is taken (another master?)
     */
    public static LocalCluster start(int workers, Path dir, int masterPort) {
        if (workers < 1) {
            throw new IllegalArgumentException("a local cluster needs at least 1 worker, got [" + workers + "]");
        }
        try {
            Files.createDirectories(dir);
            Path home = sparkHome(dir.resolve("spark-home"));
            int port = masterPort == 0 ? freePort() : masterPort;
            if (connects(port)) {
                throw new IllegalStateException("port " + port + " on 127.0.0.1 is in use (another Spark master?); stop it"
                        + " or set SLIMKIT_SPARK_PORT to a free port");
            }
            String url = "spark://127.0.0.1:" + port;
            List<ProcessHandle> started = new ArrayList<>();
            Path masterLog = dir.resolve("master.log");
            started.add(launch(home, "org.apache.spark.deploy.master.Master", List.of("--host", "127.0.0.1", "--port",
                    String.valueOf(port), "--webui-port", String.valueOf(freePort())), masterLog));
            waitFor(() -> connects(port), masterLog, "the master to listen on port " + port);
            for (int w = 1; w <= workers; w++) {
                Path work = Files.createDirectories(dir.resolve("work-" + w));
                started.add(launch(home, "org.apache.spark.deploy.worker.Worker", List.of("--host", "127.0.0.1",
                        "--cores", "1", "--memory", "2g", "--webui-port", String.valueOf(freePort()), "--work-dir",
                        work.toString(), url), dir.resolve("worker-" + w + ".log")));
            }
            waitFor(() -> count(masterLog, "Registering worker") >= workers, masterLog, workers + " workers to register");
            Properties p = new Properties();
            p.setProperty("url", url);
            for (int i = 0; i < started.size(); i++) {
                p.setProperty("pid." + i, String.valueOf(started.get(i).pid()));
            }
            try (var out = Files.newBufferedWriter(dir.resolve("cluster.properties"))) {
                p.store(out, "slimkit local Spark cluster");
            }
            return new LocalCluster(dir, url, started);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a local Spark cluster in [" + dir + "]: " + e.getMessage(), e);
        }
    }

    /** The cluster recorded in {@code dir}, if its master still runs. */
    public static Optional<LocalCluster> find(Path dir) {
        Path file = dir.resolve("cluster.properties");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        List<ProcessHandle> handles = new ArrayList<>();
        for (int i = 0; p.containsKey("pid." + i); i++) {
            ProcessHandle.of(Long.parseLong(p.getProperty("pid." + i))).ifPresent(handles::add);
        }
        return handles.isEmpty() ? Optional.empty() : Optional.of(new LocalCluster(dir, p.getProperty("url"), handles));
    }

    /** The executor JVMs the workers run now (for tests that kill one). */
    public List<ProcessHandle> executors() {
        return processes.stream().flatMap(ProcessHandle::descendants)
                .filter(h -> commandLine(h).contains("CoarseGrainedExecutorBackend")).toList();
    }

    /**
     * A process's whole command line: {@code /proc/PID/cmdline} where there is one (the JDK's
     * {@code ProcessHandle.Info} cuts it at 4,096 characters, before a long class path ends).
     */
    public static String commandLine(ProcessHandle h) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(h.pid()), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return h.info().commandLine().orElse("");
        }
    }

    /** The worker processes' count that still run. */
    public long aliveWorkers() {
        return processes.stream().skip(1).filter(ProcessHandle::isAlive).count();
    }

    /** Stops the workers (and their executors), then the master, and waits for them. */
    public void stop() {
        List<ProcessHandle> all = new ArrayList<>(executors());
        List<ProcessHandle> reversed = new ArrayList<>(processes);
        java.util.Collections.reverse(reversed);
        all.addAll(reversed);
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        try {
            Files.deleteIfExists(dir.resolve("cluster.properties"));
        } catch (IOException e) {
            // a stale state file is recognised as stopped by find()
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** {@code SPARK_HOME} for the workers: {@code jars/} with links to this class path's jars, and a RELEASE file. */
    static Path sparkHome(Path home) throws IOException {
        Path jars = Files.createDirectories(home.resolve("jars"));
        try (Stream<Path> old = Files.list(jars)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry).toAbsolutePath();
            if (entry.endsWith(".jar") && Files.isRegularFile(jar) && !Files.exists(jars.resolve(jar.getFileName()))) {
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
            }
        }
        Files.writeString(home.resolve("RELEASE"), "slimkit: Spark from the Maven jars\n");
        return home;
    }

    private static ProcessHandle launch(Path home, String main, List<String> args, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main);
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_LOCAL_HOSTNAME", "127.0.0.1");
        return pb.start().toHandle();
    }

    /** {@code SLIMKIT_SPARK_PORT}, else Spark's usual 7077 when it is free, else any free port. */
    private static int port() throws IOException {
        String fixed = System.getenv("SLIMKIT_SPARK_PORT");
        if (fixed != null) {
            return Integer.parseInt(fixed);
        }
        return connects(7077) ? freePort() : 7077;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private static boolean connects(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static long count(Path log, String text) {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(text)).count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier ready, Path log, String what) {
        long until = System.nanoTime() + 90_000_000_000L;
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("timed out waiting for " + what + "; see " + log);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what);
            }
        }
    }

    /** {@code start N DIR}, {@code stop DIR} or {@code status DIR}; prints the URL and the log folder. */
    public static void main(String[] args) {
        String usage = "usage: LocalCluster start N DIR | stop DIR | status DIR";
        if (args.length < 2) {
            System.err.println(usage);
            System.exit(2);
        }
        Path dir = Path.of(args[args.length - 1]).toAbsolutePath();
        switch (args[0]) {
            case "start" -> {
                if (find(dir).isPresent()) {
                    LocalCluster c = find(dir).get();
                    System.out.println("already running: " + c.url() + " (logs in " + c.logs() + ")");
                    System.exit(0);
                }
                LocalCluster c;
                try {
                    c = start(Integer.parseInt(args[1]), dir);
                } catch (RuntimeException e) {
                    System.err.println("spark-local: " + e.getMessage());
                    System.exit(1);
                    return;
                }
                System.out.println("master " + c.url());
                System.out.println("logs " + c.logs());
            }
            case "stop" -> {
                Optional<LocalCluster> c = find(dir);
                c.ifPresent(LocalCluster::stop);
                System.out.println(c.isPresent() ? "stopped " + c.get().url() : "no cluster runs from " + dir);
            }
            case "status" -> {
                Optional<LocalCluster> c = find(dir);
                System.out.println(c.map(x -> "running " + x.url() + ", " + x.aliveWorkers() + " workers, "
                        + x.executors().size() + " executors; logs in " + x.logs()).orElse("stopped"));
                System.exit(c.isPresent() ? 0 : 3);
            }
            default -> {
                System.err.println(usage);
                System.exit(2);
            }
        }
        System.exit(0);
    }
}
