package dev.slimkit.kernel;

import com.google.gson.annotations.SerializedName;
import io.github.spencerpark.jupyter.kernel.history.HistoryEntry;
import io.github.spencerpark.jupyter.kernel.history.HistoryManager;
import io.github.spencerpark.jupyter.messages.ContentType;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.request.HistoryRequest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Answers Jupyter's history requests (tail, range, search) from {@link KernelHistory}; stock IJava leaves them unanswered. */
final class HistoryReplies {

    private HistoryReplies() {}

    /** Answers a history request from {@link KernelHistory} (never leaves it unanswered). */
    static List<HistoryEntry> lookup(KernelHistory history, HistoryRequest request) {
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

    /**
     * A history reply with the {@code status} field the protocol requires, its entries already in
     * the protocol's tuple form ({@code [session, line, input]} or {@code [session, line, [input,
     * output]]}).
     */
    static final class Reply implements ContentType<Reply> {
        @SerializedName("status")
        private final String status = "ok";

        @SerializedName("history")
        private final List<List<Object>> history = new ArrayList<>();

        Reply(List<HistoryEntry> entries) {
            for (HistoryEntry e : entries) {
                history.add(List.of(e.getSession(), e.getCellNumber(),
                        e.hasOutput() ? List.of(e.getInput(), e.getOutput()) : e.getInput()));
            }
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public MessageType<Reply> getType() {
            return (MessageType) MessageType.HISTORY_REPLY;
        }
    }

}
