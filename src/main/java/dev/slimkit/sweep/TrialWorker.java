package dev.slimkit.sweep;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A local worker JVM of a sweep ({@code SweepExecutor.local(N)}): {@code TrialWorker JOB_FILE
 * NUMBER} reads the job, then runs each {@code trial INDEX} line of its standard input and prints
 * the row ({@link SweepWire#ROW}); {@code cancel} or the end of input ends it. Everything else it
 * prints goes to standard error.
 */
public final class TrialWorker {

    private TrialWorker() {}

    public static void main(String[] args) throws Exception {
        PrintStream protocol = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.setOut(System.err);
        SweepWire.Job job = SweepWire.readJob(Path.of(args[0]));
        String where = "worker " + args[1] + " (pid " + ProcessHandle.current().pid() + ")";
        byte[] base = TrialHost.read(job.base());
        Map<Integer, Trial> trials = new HashMap<>();
        job.trials().forEach(t -> trials.put(t.index(), t));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals(SweepWire.CANCEL)) {
            if (line.startsWith("trial ")) {
                Trial t = trials.get(Integer.parseInt(line.substring(6).strip()));
                protocol.println(SweepWire.ROW + TrialHost.run(job, base, t, where, 0));
            }
        }
        System.exit(0);
    }
}
