package dev.slimkit.spark;

import dev.slimkit.sweep.SweepWire;
import dev.slimkit.sweep.Trial;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * The Spark driver of a sweep, run in a child JVM of the kernel: {@code SweepDriver JOB_FILE}
 * connects to the job's standalone master, submits one task per trial (one partition each, one
 * core per executor, so an executor trains one model at a time), and prints each row as its task
 * finishes ({@link SweepWire#ROW}), then {@link SweepWire#DONE}. {@code cancel} on its standard
 * input cancels the job group (running tasks are interrupted). The base model file's bytes are
 * broadcast; the executors get slimkit's classes from {@code spark.executor.extraClassPath} (this
 * JVM's class path, or {@code SLIMKIT_EXECUTOR_CLASSPATH}: the same paths must exist on every
 * worker). Spark's own output goes to standard error.
 */
public final class SweepDriver {

    /** The job group every sweep's job runs in (what cancel cancels). */
    static final String GROUP = "slimkit-sweep";

    private SweepDriver() {}

    public static void main(String[] args) throws Exception {
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        SweepWire.Job job = SweepWire.readJob(Path.of(args[0]));
        SparkContext sc;
        try {
            sc = new SparkContext(conf(job));
        } catch (RuntimeException e) {
            protocol.println(SweepWire.FAIL + "cannot start the Spark driver for " + job.master() + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            System.exit(1);
            return;
        }
        int code = run(sc, job, protocol);
        sc.stop();
        protocol.println(SweepWire.DONE);
        System.exit(code);
    }

    static SparkConf conf(SweepWire.Job job) {
        String host = URI.create(job.master().replaceFirst("^spark://", "http://")).getHost();
        SparkConf conf = new SparkConf().setMaster(job.master()).setAppName(job.app())
                .set("spark.executor.cores", "1")
                .set("spark.task.cpus", "1")
                .set("spark.executor.memory", System.getenv().getOrDefault("SLIMKIT_EXECUTOR_MEMORY", "1g"))
                .set("spark.executor.extraClassPath", System.getenv().getOrDefault("SLIMKIT_EXECUTOR_CLASSPATH",
                        System.getProperty("java.class.path")))
                .set("spark.executor.extraJavaOptions", "-Djava.awt.headless=true -Dai.djl.offline=true"
                        + " -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1")
                .set("spark.ui.enabled", "false")
                .set("spark.task.maxFailures", "4")
                .set("spark.locality.wait", "0s");
        if (host.equals("127.0.0.1") || host.equals("localhost")) {
            conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        }
        return conf;
    }

    /** Runs the job's trials; 0 when they all finished or were cancelled, 1 when the job failed. */
    static int run(SparkContext sc, SweepWire.Job job, PrintStream protocol) throws Exception {
        JavaSparkContext jsc = new JavaSparkContext(sc);
        byte[] baseBytes = Files.readAllBytes(job.base());
        Broadcast<byte[]> base = jsc.broadcast(baseBytes);
        List<String> trials = new ArrayList<>();
        for (Trial t : job.trials()) {
            trials.add(SweepWire.trialJson(t));
        }
        String header = SweepWire.job(new SweepWire.Job(job.base(), job.data(), job.latency(), List.of(), job.master(),
                job.app()));
        JavaRDD<String> rdd = jsc.parallelize(trials, trials.size());
        boolean[] cancelled = {false};
        Thread commands = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.equals(SweepWire.CANCEL)) {
                        cancelled[0] = true;
                        sc.cancelJobGroup(GROUP);
                    }
                }
                // The kernel closed our input (it went away): stop the job.
                cancelled[0] = true;
                sc.cancelJobGroup(GROUP);
            } catch (Exception e) {
                // nothing to read any more
            }
        }, "sweep-commands");
        commands.setDaemon(true);
        commands.start();
        sc.setJobGroup(GROUP, "slimkit sweep: " + trials.size() + " trials", true);
        @SuppressWarnings("unchecked")
        scala.collection.immutable.Seq<Object> partitions = (scala.collection.immutable.Seq<Object>) (Object)
                scala.jdk.javaapi.CollectionConverters.asScala(IntStream.range(0, trials.size()).boxed().toList()).toList();
        try {
            sc.runJob(rdd.rdd(), new TrialTask(header, base), partitions, new Handler(protocol),
                    ClassTag$.MODULE$.apply(String.class));
            return 0;
        } catch (RuntimeException e) {
            if (cancelled[0]) {
                return 0;
            }
            protocol.println(SweepWire.FAIL + "the Spark job failed: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            return 1;
        }
    }

    /** Prints each task's row as it arrives on the driver. */
    private static final class Handler extends AbstractFunction2<Object, String, BoxedUnit> {
        private final PrintStream protocol;

        Handler(PrintStream protocol) {
            this.protocol = protocol;
        }

        @Override
        public BoxedUnit apply(Object partition, String row) {
            synchronized (protocol) {
                protocol.println(SweepWire.ROW + row);
            }
            return BoxedUnit.UNIT;
        }
    }
}
